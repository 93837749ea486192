package dev.pondhouse.server.query.metadata;

/**
 * Decides which tables and views a metadata listing may show to the current user.
 *
 * <p>Every listing in this package (catalogs, schemas, tables, columns, keys) asks this hook about
 * each table or view it would report, session temporary objects included, and drops those it
 * rejects. Catalogs and schemas are never asked about directly: a catalog or schema is listed
 * exactly when it holds at least one visible table or view, so an empty schema, or one whose
 * tables are all hidden, does not appear at all (its name is not leaked).
 *
 * <p>Implementations must be cheap, must not do I/O per call and must be safe to call from the
 * thread serving the metadata request.
 */
@FunctionalInterface
public interface TableVisibility {

    /** Shows everything: for single-user set-ups and tests. */
    TableVisibility ALL = (catalog, schema, table) -> true;

    /**
     * Returns whether the table or view may be listed.
     *
     * @param catalog the DuckDB database name, such as {@code pondhouse} or {@code temp}
     * @param schema the schema name, such as {@code tpch}
     * @param table the table or view name
     */
    boolean isVisible(String catalog, String schema, String table);

    /**
     * Returns whether a column of a visible table may be listed; a column hidden by the access rules
     * is not. By default every column of a visible table is.
     */
    default boolean isColumnVisible(String catalog, String schema, String table, String column) {
        return isVisible(catalog, schema, table);
    }

    /** Returns whether the named table or view may be listed. */
    default boolean isVisible(TableName name) {
        return isVisible(name.catalog(), name.schema(), name.table());
    }
}
