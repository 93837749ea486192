package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The table folders of a lake, {@code <root>/<schema>/<table>/}, as every catalog sees them, whether
 * the lake is a local folder or a blob store: names starting with {@code _} or {@code .} are ignored
 * (staging folders, markers, logs); schema and table names must be plain identifiers, other folders
 * are reported as problems.
 */
final class LakeFolders {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** One table folder; {@code F} is a local {@link Path} or a blob store prefix ending with {@code /}. */
    record TableFolder<F>(String schema, String table, F folder) {
        TableFolder {
            requireNonNull(schema, "schema is null");
            requireNonNull(table, "table is null");
            requireNonNull(folder, "folder is null");
        }

        String qualifiedName() {
            return schema + "." + table;
        }
    }

    /** Folders that can be walked one level at a time. */
    interface FolderTree<F> {
        /** The sub-folders of {@code folder}, in name order. */
        List<F> children(F folder) throws IOException;

        /** The last segment of the folder's name. */
        String name(F folder);

        /** The folder as problems name it. */
        String describe(F folder);
    }

    private LakeFolders() {}

    /**
     * The table folders of a local lake below {@code root} that {@code belongs} accepts, in name
     * order; problems with the lake root, schema names and the names of accepted table folders are
     * added to {@code problems}.
     */
    static List<TableFolder<Path>> tableFolders(Path root, Predicate<Path> belongs, List<String> problems) throws IOException {
        if (!Files.isDirectory(root)) {
            problems.add("lake root " + root + " is not a directory");
            return List.of();
        }
        return tableFolders(LOCAL, root, belongs, problems);
    }

    /**
     * The table folders of a lake in a blob store below {@code root} (a prefix: empty, or ending
     * with {@code /}); each folder is the table's prefix, ending with {@code /}.
     *
     * @throws dev.pondhouse.server.lake.blob.BlobStoreException if the store cannot be listed
     */
    static List<TableFolder<String>> tableFolders(BlobStore store, String root, Predicate<String> belongs,
            List<String> problems) throws IOException {
        return tableFolders(blobTree(store), root, belongs, problems);
    }

    static <F> List<TableFolder<F>> tableFolders(FolderTree<F> tree, F root, Predicate<F> belongs, List<String> problems)
            throws IOException {
        List<TableFolder<F>> folders = new ArrayList<>();
        for (F schemaFolder : tree.children(root)) {
            String schema = tree.name(schemaFolder);
            if (ignored(schema)) {
                continue;
            }
            if (!IDENTIFIER.matcher(schema).matches()) {
                problems.add("folder " + tree.describe(schemaFolder) + " skipped: '" + schema + "' is not a valid schema name");
                continue;
            }
            for (F tableFolder : tree.children(schemaFolder)) {
                String table = tree.name(tableFolder);
                if (ignored(table) || !belongs.test(tableFolder)) {
                    continue;
                }
                if (!IDENTIFIER.matcher(table).matches()) {
                    problems.add("folder " + tree.describe(tableFolder) + " skipped: '" + table + "' is not a valid table name");
                    continue;
                }
                folders.add(new TableFolder<>(schema, table, tableFolder));
            }
        }
        return folders;
    }

    /** Whether a file or folder name is one the lake ignores. */
    static boolean ignored(String name) {
        return name.startsWith("_") || name.startsWith(".");
    }

    private static final FolderTree<Path> LOCAL = new FolderTree<>() {
        @Override
        public List<Path> children(Path folder) throws IOException {
            try (Stream<Path> entries = Files.list(folder)) {
                return entries.filter(Files::isDirectory).sorted().toList();
            }
        }

        @Override
        public String name(Path folder) {
            return folder.getFileName().toString();
        }

        @Override
        public String describe(Path folder) {
            return folder.toString();
        }
    };

    private static FolderTree<String> blobTree(BlobStore store) {
        return new FolderTree<>() {
            @Override
            public List<String> children(String folder) {
                return store.listFolders(folder).stream().map(name -> folder + name + "/").toList();
            }

            @Override
            public String name(String folder) {
                String withoutSlash = folder.substring(0, folder.length() - 1);
                return withoutSlash.substring(withoutSlash.lastIndexOf('/') + 1);
            }

            @Override
            public String describe(String folder) {
                return folder;
            }
        };
    }
}
