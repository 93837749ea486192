package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A lake that is a local folder {@code <root>/<schema>/<table>/} of Parquet files, with Hive-style
 * {@code key=value} partition folders honoured. Names starting with {@code _} or {@code .} are
 * ignored (staging folders, markers, logs). Schema and table names must be plain identifiers;
 * other folders are reported as problems and skipped. Folders with a {@code _delta_log/} are Delta
 * tables and left to {@link DeltaLakeCatalog}: their folder holds files no snapshot references.
 */
public final class FolderLakeCatalog implements LakeCatalog {
    private final Path root;

    public FolderLakeCatalog(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    @Override
    public Listing tables() throws IOException {
        List<LakeTable> tables = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (LakeFolders.TableFolder<Path> folder : LakeFolders.tableFolders(root,
                tableFolder -> !Files.isDirectory(tableFolder.resolve("_delta_log")), problems)) {
            String name = folder.schema() + "." + folder.table();
            try {
                List<Path> files = parquetFiles(folder.folder());
                if (files.isEmpty()) {
                    if (!holdsOnlyHiddenEntries(folder.folder())) {
                        problems.add("table " + name + " has no Parquet files yet; not served");
                    }
                    continue;
                }
                boolean partitioned = files.stream().anyMatch(file -> !file.getParent().equals(folder.folder()));
                tables.add(new LakeTable(folder.schema(), folder.table(), files, partitioned));
            } catch (IOException | UncheckedIOException e) {
                problems.add("table " + name + " cannot be listed: " + e.getMessage());
            }
        }
        return new Listing(tables, problems);
    }

    /** The Parquet files below a table folder, sorted, leaving out those under ignored names. */
    /**
     * Whether a folder holds something, but only names starting with {@code _} or {@code .}: e.g. only the
     * job lock of a table whose first write has not committed yet, which is not a problem to report.
     */
    private static boolean holdsOnlyHiddenEntries(Path tableFolder) throws IOException {
        try (Stream<Path> entries = Files.list(tableFolder)) {
            List<String> names = entries.map(entry -> entry.getFileName().toString()).toList();
            return !names.isEmpty() && names.stream().allMatch(name -> name.startsWith("_") || name.startsWith("."));
        }
    }

    static List<Path> parquetFiles(Path tableFolder) throws IOException {
        try (Stream<Path> entries = Files.walk(tableFolder)) {
            return entries
                    .filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(".parquet"))
                    .filter(file -> !hiddenBelow(tableFolder, file))
                    .sorted()
                    .toList();
        }
    }

    private static boolean hiddenBelow(Path tableFolder, Path file) {
        for (Path part : tableFolder.relativize(file)) {
            if (LakeFolders.ignored(part.toString())) {
                return true;
            }
        }
        return false;
    }

}
