package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The table folders of a local lake, {@code <root>/<schema>/<table>/}, as every catalog over a local
 * folder sees them: names starting with {@code _} or {@code .} are ignored (staging folders, markers,
 * logs); schema and table names must be plain identifiers, other folders are reported as problems.
 */
final class LakeFolders {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** One table folder. */
    record TableFolder(String schema, String table, Path folder) {
        TableFolder {
            requireNonNull(schema, "schema is null");
            requireNonNull(table, "table is null");
            requireNonNull(folder, "folder is null");
        }
    }

    private LakeFolders() {}

    /**
     * The table folders below {@code root} that {@code belongs} accepts, in name order; problems with
     * the lake root, schema names and the names of accepted table folders are added to {@code problems}.
     */
    static List<TableFolder> tableFolders(Path root, Predicate<Path> belongs, List<String> problems) throws IOException {
        List<TableFolder> folders = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            problems.add("lake root " + root + " is not a directory");
            return folders;
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
                if (!Files.isDirectory(tableFolder) || ignored(table) || !belongs.test(tableFolder)) {
                    continue;
                }
                if (!IDENTIFIER.matcher(table).matches()) {
                    problems.add("folder " + tableFolder + " skipped: '" + table + "' is not a valid table name");
                    continue;
                }
                folders.add(new TableFolder(schema, table, tableFolder));
            }
        }
        return folders;
    }

    /** Whether a file or folder name is one the lake ignores. */
    static boolean ignored(String name) {
        return name.startsWith("_") || name.startsWith(".");
    }

    private static List<Path> children(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        }
    }
}
