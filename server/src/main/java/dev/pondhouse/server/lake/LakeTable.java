package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * One table at one point in time: the exact set of local files that make it up.
 *
 * @param schema lake schema (first folder level)
 * @param name table name (second folder level)
 * @param files the data files, sorted, all readable on local disk
 * @param hivePartitioned whether files sit in {@code key=value} folders whose values are columns
 * @param format how the files are read
 */
public record LakeTable(String schema, String name, List<Path> files, boolean hivePartitioned, Format format) {
    /** The file format of a table's files. */
    public enum Format {
        PARQUET,
        /** CSV with DuckDB's detection of delimiter, header and column types. */
        CSV
    }

    public LakeTable {
        requireNonNull(schema, "schema is null");
        requireNonNull(name, "name is null");
        requireNonNull(format, "format is null");
        files = List.copyOf(files);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("table " + schema + "." + name + " has no data files");
        }
    }

    /** A table of Parquet files. */
    public LakeTable(String schema, String name, List<Path> files, boolean hivePartitioned) {
        this(schema, name, files, hivePartitioned, Format.PARQUET);
    }

    public String qualifiedName() {
        return schema + "." + name;
    }
}
