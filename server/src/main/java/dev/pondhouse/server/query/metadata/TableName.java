package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;

/** The fully qualified name of a table or view: DuckDB database (catalog), schema and name. */
public record TableName(String catalog, String schema, String table) implements Comparable<TableName> {

    private static final Comparator<TableName> ORDER = Comparator.comparing(TableName::catalog)
            .thenComparing(TableName::schema)
            .thenComparing(TableName::table);

    public TableName {
        requireNonNull(catalog, "catalog is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
    }

    /** Orders by catalog, then schema, then table name. */
    @Override
    public int compareTo(TableName other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return catalog + "." + schema + "." + table;
    }
}
