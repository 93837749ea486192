package dev.pondhouse.server.pipeline;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A read-only folder of files that a pipeline's steps read as the tables of one schema: each
 * subfolder {@code <table>/} (all its files, recursively, Hive-style {@code key=value} folders as
 * columns) and each file {@code <table>.parquet} (or {@code .csv}) directly in the folder is the
 * table {@code <schema>.<table>}.
 *
 * @param schema the schema name steps use
 * @param folder the folder, absolute
 * @param format the files' format
 * @param line the line of its definition in the pipeline file
 */
public record ExternalSource(String schema, Path folder, Format format, int line) {
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

    public ExternalSource {
        requireNonNull(schema, "schema is null");
        requireNonNull(folder, "folder is null");
        requireNonNull(format, "format is null");
        if (!folder.isAbsolute()) {
            throw new IllegalArgumentException("source folder must be absolute: " + folder);
        }
    }
}
