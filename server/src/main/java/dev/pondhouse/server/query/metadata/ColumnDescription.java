package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One column as DuckDB describes it, with what Flight SQL clients want to know about it.
 *
 * @param name the column name
 * @param duckDbType the type exactly as DuckDB prints it, e.g. {@code DECIMAL(15,2)} or
 *     {@code STRUCT(a INTEGER, b VARCHAR)}
 * @param nullable whether the column may hold nulls
 * @param source the table or view the column belongs to, if known
 * @param readOnly whether clients cannot write to the column
 * @param remarks the column comment, if any
 */
public record ColumnDescription(
        String name,
        String duckDbType,
        boolean nullable,
        Optional<TableName> source,
        boolean readOnly,
        Optional<String> remarks) {

    public ColumnDescription {
        requireNonNull(name, "name is null");
        requireNonNull(duckDbType, "duckDbType is null");
        requireNonNull(source, "source is null");
        requireNonNull(remarks, "remarks is null");
        if (duckDbType.isBlank()) {
            throw new IllegalArgumentException("duckDbType of column '" + name + "' is blank");
        }
    }

    /** A column of a query result: nullable, read-only, from no particular table. */
    public static ColumnDescription ofResult(String name, String duckDbType) {
        return new ColumnDescription(name, duckDbType, true, Optional.empty(), true, Optional.empty());
    }
}
