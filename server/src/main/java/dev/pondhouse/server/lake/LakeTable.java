package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * One table at one point in time: the exact set of local Parquet files that make it up.
 *
 * @param schema lake schema (first folder level)
 * @param name table name (second folder level)
 * @param files the data files, sorted, all readable on local disk
 * @param hivePartitioned whether files sit in {@code key=value} folders whose values are columns
 */
public record LakeTable(String schema, String name, List<Path> files, boolean hivePartitioned) {
    public LakeTable {
        requireNonNull(schema, "schema is null");
        requireNonNull(name, "name is null");
        files = List.copyOf(files);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("table " + schema + "." + name + " has no data files");
        }
    }

    public String qualifiedName() {
        return schema + "." + name;
    }
}
