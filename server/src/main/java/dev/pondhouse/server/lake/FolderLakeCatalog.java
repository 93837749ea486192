package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A lake that is a local folder {@code <root>/<schema>/<table>/} of Parquet files, with Hive-style
 * {@code key=value} partition folders honoured. Names starting with {@code _} or {@code .} are
 * ignored (staging folders, markers, logs). Schema and table names must be plain identifiers;
 * other folders are reported as problems and skipped. Folders with a {@code _delta_log/} are Delta
 * tables and left to {@link DeltaLakeCatalog}: their folder holds files no snapshot references.
 */
public final class FolderLakeCatalog implements LakeCatalog {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Path root;

    public FolderLakeCatalog(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    @Override
    public Listing tables() throws IOException {
        List<LakeTable> tables = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            problems.add("lake root " + root + " is not a directory");
            return new Listing(tables, problems);
        }
        for (Path schemaFolder : children(root)) {
            String schema = schemaFolder.getFileName().toString();
            if (!Files.isDirectory(schemaFolder) || ignored(schema)) {
                continue;
            }
            if (!IDENTIFIER.matcher(schema).matches()) {
                problems.add("folder " + schemaFolder + " skipped: '" + schema + "' is not a valid schema name");
                continue;
            }
            for (Path tableFolder : children(schemaFolder)) {
                String table = tableFolder.getFileName().toString();
                if (!Files.isDirectory(tableFolder) || ignored(table)) {
                    continue;
                }
                if (Files.isDirectory(tableFolder.resolve("_delta_log"))) {
                    continue;
                }
                if (!IDENTIFIER.matcher(table).matches()) {
                    problems.add("folder " + tableFolder + " skipped: '" + table + "' is not a valid table name");
                    continue;
                }
                try {
                    List<Path> files = parquetFiles(tableFolder);
                    if (files.isEmpty()) {
                        problems.add("table " + schema + "." + table + " has no Parquet files yet; not served");
                        continue;
                    }
                    boolean partitioned = files.stream().anyMatch(file -> !file.getParent().equals(tableFolder));
                    tables.add(new LakeTable(schema, table, files, partitioned));
                } catch (IOException | UncheckedIOException e) {
                    problems.add("table " + schema + "." + table + " cannot be listed: " + e.getMessage());
                }
            }
        }
        return new Listing(tables, problems);
    }

    private static List<Path> children(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        }
    }

    private static List<Path> parquetFiles(Path tableFolder) throws IOException {
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
            if (ignored(part.toString())) {
                return true;
            }
        }
        return false;
    }

    private static boolean ignored(String name) {
        return name.startsWith("_") || name.startsWith(".");
    }
}
