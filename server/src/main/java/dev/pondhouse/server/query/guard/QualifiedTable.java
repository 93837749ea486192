package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.engine.SqlIdentifiers;
import java.util.Locale;

/**
 * A table or view named by catalog, schema and table, as DuckDB resolved (or will resolve) it.
 * Names keep the case the user wrote; DuckDB compares identifiers case-insensitively, and so does
 * {@link #sameObjectAs}.
 */
public record QualifiedTable(String catalog, String schema, String table) {
    public QualifiedTable {
        requireNonNull(catalog, "catalog is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
        if (catalog.isEmpty() || schema.isEmpty() || table.isEmpty()) {
            throw new IllegalArgumentException("catalog, schema and table must not be empty: " + catalog + "." + schema + "." + table);
        }
    }

    /** {@code "catalog"."schema"."table"}, quoted for DuckDB. */
    public String quoted() {
        return SqlIdentifiers.qualified(catalog, schema, table);
    }

    /** Whether both name the same object under DuckDB's case-insensitive identifiers. */
    public boolean sameObjectAs(QualifiedTable other) {
        return normalized().equals(other.normalized());
    }

    /** The same name in lower case, the form DuckDB matches identifiers in. */
    QualifiedTable normalized() {
        return new QualifiedTable(catalog.toLowerCase(Locale.ROOT), schema.toLowerCase(Locale.ROOT), table.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return catalog + "." + schema + "." + table;
    }
}
