package dev.pondhouse.server.pipeline;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Read-only files that a pipeline's steps read as the tables of one schema, in a local folder or
 * an Azure container. For a folder, each subfolder {@code <table>/} (all its files, recursively,
 * Hive-style {@code key=value} folders as columns) and each file {@code <table>.parquet} (or
 * {@code .csv}) directly in the folder is the table {@code <schema>.<table>}; for a container the
 * same below its prefix: the blobs under {@code <prefix><table>/}, or the blob
 * {@code <prefix><table>.parquet}.
 *
 * @param schema the schema name steps use
 * @param location where the files are
 * @param format the files' format
 * @param line the line of its definition in the pipeline file
 */
public record ExternalSource(String schema, Location location, Format format, int line) {
    /** File formats of external sources. */
    public enum Format {
        PARQUET("parquet"),
        CSV("csv");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        /** The file name extension, without the dot; also the name in a pipeline file. */
        public String extension() {
            return extension;
        }
    }

    /** Where a source's files are. */
    public sealed interface Location permits Folder, Container {}

    /** A local folder, absolute. */
    public record Folder(Path path) implements Location {
        public Folder {
            requireNonNull(path, "path is null");
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("source folder must be absolute: " + path);
            }
        }
    }

    /**
     * A container of the lake's Azure storage account, read with the lake's credentials.
     *
     * @param name the container's name
     * @param prefix the folder in the container the tables are in: empty, or ending with {@code /}
     */
    public record Container(String name, String prefix) implements Location {
        /** Azure's rule for container names: 3 to 63 lowercase letters, digits and single hyphens. */
        static final Pattern NAME = Pattern.compile("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]");

        public Container {
            requireNonNull(name, "name is null");
            requireNonNull(prefix, "prefix is null");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a container name (3 to 63 lowercase letters,"
                        + " digits and single hyphens)");
            }
            if (!prefix.isEmpty() && (!prefix.endsWith("/") || prefix.startsWith("/") || prefix.contains("//"))) {
                throw new IllegalArgumentException("prefix '" + prefix + "' must be a folder: no leading '/', ending with"
                        + " '/', e.g. tpch/");
            }
        }
    }

    public ExternalSource {
        requireNonNull(schema, "schema is null");
        requireNonNull(location, "location is null");
        requireNonNull(format, "format is null");
    }
}
