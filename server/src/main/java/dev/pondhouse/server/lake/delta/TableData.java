package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The rows a {@link DeltaTableWriter} writes: a DuckDB query it runs, or Parquet files already staged. */
public sealed interface TableData {
    /**
     * A query the writer runs on the caller's DuckDB connection with
     * {@code COPY (<sql>) TO <staging folder> (FORMAT parquet, PARTITION_BY (<partition columns>), RETURN_STATS true)}.
     * Its columns are the table's columns, partition columns included.
     */
    record Query(String sql) implements TableData {
        public Query {
            requireNonNull(sql, "sql is null");
            if (sql.isBlank()) {
                throw new IllegalArgumentException("the query is blank");
            }
        }
    }

    /**
     * Parquet files on local disk, written by DuckDB, uploaded as they are. The caller owns them: the
     * writer never deletes them.
     *
     * @param columns the table's columns (partition columns included) with DuckDB types; empty to
     *     take them from the first file, which only works for an unpartitioned table
     * @param files the files; each holds every column except the partition columns
     */
    record StagedFiles(Optional<List<DeltaSchemas.Column>> columns, List<StagedFile> files) implements TableData {
        public StagedFiles {
            columns = requireNonNull(columns, "columns is null").map(List::copyOf);
            files = List.copyOf(files);
        }

        /** Files of an unpartitioned table, columns read from the first file. */
        public static StagedFiles unpartitioned(List<Path> files) {
            return new StagedFiles(Optional.empty(), files.stream().map(file -> new StagedFile(file, Map.of())).toList());
        }
    }

    /**
     * One staged file.
     *
     * @param file the local Parquet file
     * @param partitionValues the value of each partition column for every row of the file, in Delta's
     *     partition value serialization ({@code 2024-01-01}, {@code 42}, {@code true}), empty for
     *     {@code null}; no entries for an unpartitioned table
     * @param tablePath empty for a file to upload; or the path, relative to the table's root, at which
     *     {@code file} already is in the table's folder, because the caller wrote it there (on a local
     *     store, whose blob {@code <table root><tablePath>} is the file {@code file}): the writer
     *     commits it where it is instead of uploading a copy. Such a path comes from
     *     {@link DeltaTableWriter#newDataFilePath}; the file must be complete and synced to disk before
     *     the write, and is the caller's to delete if the write surely did not commit
     */
    record StagedFile(Path file, Map<String, Optional<String>> partitionValues, Optional<String> tablePath) {
        public StagedFile {
            requireNonNull(file, "file is null");
            partitionValues = Map.copyOf(partitionValues);
            requireNonNull(tablePath, "tablePath is null");
        }

        /** A local file to upload. */
        public StagedFile(Path file, Map<String, Optional<String>> partitionValues) {
            this(file, partitionValues, Optional.empty());
        }
    }

    /** The rows of a DuckDB query. */
    static TableData query(String sql) {
        return new Query(sql);
    }
}
