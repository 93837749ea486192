package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Which tables a metadata request asks about.
 *
 * @param catalog exact catalog name, or empty for any; an empty string matches nothing, since
 *     every DuckDB table has a catalog (Flight SQL: "an empty string retrieves those without a
 *     catalog")
 * @param schemaPattern search pattern for the schema name, or empty for any
 * @param tablePattern search pattern for the table name, or empty for any
 */
record TableFilter(Optional<String> catalog, Optional<NamePattern> schemaPattern, Optional<NamePattern> tablePattern) {

    static final TableFilter ANY = new TableFilter(Optional.empty(), Optional.empty(), Optional.empty());

    TableFilter {
        requireNonNull(catalog, "catalog is null");
        requireNonNull(schemaPattern, "schemaPattern is null");
        requireNonNull(tablePattern, "tablePattern is null");
    }
}
