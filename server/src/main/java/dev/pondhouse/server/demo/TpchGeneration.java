package dev.pondhouse.server.demo;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A complete TPC-H generation in a lake: what {@code <lakeRoot>/tpch/_generated.json} records.
 *
 * @param scaleFactor the TPC-H scale factor the tables were generated at
 * @param tables the generated tables, in TPC-H order
 */
public record TpchGeneration(double scaleFactor, List<GeneratedTable> tables) {
    public TpchGeneration {
        if (!(scaleFactor > 0) || Double.isInfinite(scaleFactor)) {
            throw new IllegalArgumentException("scaleFactor must be a positive number, got " + scaleFactor);
        }
        tables = List.copyOf(requireNonNull(tables, "tables is null"));
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("a generation has at least one table");
        }
    }

    /** The table called {@code name}, if this generation has it. */
    public Optional<GeneratedTable> table(String name) {
        requireNonNull(name, "name is null");
        return tables.stream().filter(table -> table.name().equals(name)).findFirst();
    }

    /**
     * One generated table, stored as {@code <lakeRoot>/tpch/<name>/<file>} for each of its files.
     *
     * @param name the TPC-H table name, for example {@code lineitem}
     * @param rows the number of rows written
     * @param files the Parquet file names inside the table folder, in part order
     */
    public record GeneratedTable(String name, long rows, List<String> files) {
        public GeneratedTable {
            requireNonNull(name, "name is null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("table name is blank");
            }
            if (rows < 0) {
                throw new IllegalArgumentException("rows of table " + name + " must not be negative, got " + rows);
            }
            files = List.copyOf(requireNonNull(files, "files is null"));
            if (files.isEmpty()) {
                throw new IllegalArgumentException("table " + name + " has no files");
            }
            for (String file : files) {
                if (file.isBlank() || file.contains("/") || file.contains("\\") || file.startsWith(".")) {
                    throw new IllegalArgumentException("file of table " + name + " must be a plain file name, got '" + file + "'");
                }
            }
        }
    }
}
