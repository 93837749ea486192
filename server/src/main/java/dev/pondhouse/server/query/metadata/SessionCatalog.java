package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the tables and columns a session may be shown from DuckDB's catalog functions
 * ({@code duckdb_tables()}, {@code duckdb_views()}, {@code duckdb_columns()}).
 *
 * <p>Served are the lake catalog (an attached database named by configuration) and the session's
 * own temporary objects (catalog {@code temp}); DuckDB's {@code system} catalog, its default
 * {@code memory} database and internal objects ({@code information_schema}, {@code pg_catalog})
 * are never listed. Lake objects are reported as {@link TableType#TABLE}, whether DuckDB holds
 * them as views over files or as tables; temporary views as {@link TableType#VIEW}; temporary
 * tables as {@link TableType#LOCAL_TEMPORARY}.
 *
 * <p>Filters are always bound as parameters ({@code LIKE ? ESCAPE '\'}), never spliced into SQL.
 * Immutable; each call uses only the connection it is given, from the calling thread.
 */
final class SessionCatalog {

    static final String TEMPORARY_CATALOG = "temp";

    private static final Set<String> RESERVED_CATALOGS = Set.of("system", TEMPORARY_CATALOG, "memory");

    private static final String FILTERS = """
              AND (CAST(? AS VARCHAR) IS NULL OR database_name = ?)
              AND (CAST(? AS VARCHAR) IS NULL OR schema_name LIKE ? ESCAPE '\\')
              AND (CAST(? AS VARCHAR) IS NULL OR table_name LIKE ? ESCAPE '\\')
            """;

    private static final String TABLES_SQL = """
            SELECT database_name, schema_name, table_name, is_view, temporary
            FROM (
              SELECT database_name, schema_name, table_name, false AS is_view, temporary
              FROM duckdb_tables() WHERE NOT internal
              UNION ALL
              SELECT database_name, schema_name, view_name AS table_name, true AS is_view, temporary
              FROM duckdb_views() WHERE NOT internal
            ) AS catalog_objects
            WHERE (database_name = ? OR (database_name = 'temp' AND temporary))
            """ + FILTERS + """
            ORDER BY database_name, schema_name, table_name
            """;

    private static final String COLUMNS_SQL = """
            SELECT database_name, schema_name, table_name, column_name, data_type, is_nullable, comment
            FROM duckdb_columns()
            WHERE NOT internal AND (database_name = ? OR database_name = 'temp')
            """ + FILTERS + """
            ORDER BY database_name, schema_name, table_name, column_index
            """;

    private final String lakeCatalog;

    /**
     * @param lakeCatalog the name of the attached lake database, e.g. {@code pondhouse}
     * @throws IllegalArgumentException if it is blank or one of DuckDB's own catalogs
     */
    SessionCatalog(String lakeCatalog) {
        this.lakeCatalog = requireLakeCatalog(lakeCatalog);
    }

    /**
     * Checks a configured lake catalog name.
     *
     * @throws IllegalArgumentException if it is blank or one of DuckDB's own catalogs
     */
    static String requireLakeCatalog(String lakeCatalog) {
        requireNonNull(lakeCatalog, "lakeCatalog is null");
        if (lakeCatalog.isBlank() || RESERVED_CATALOGS.contains(lakeCatalog.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("lake catalog name '" + lakeCatalog
                    + "' is blank or one of DuckDB's own catalogs " + RESERVED_CATALOGS + "; choose another name");
        }
        return lakeCatalog;
    }

    /** Lists the served tables and views matching the filter, by catalog, schema and name. */
    List<CatalogTable> tables(Connection connection, TableFilter filter) throws SQLException {
        List<CatalogTable> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(TABLES_SQL)) {
            bindFilter(statement, filter);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    TableName name = new TableName(result.getString(1), result.getString(2), result.getString(3));
                    tables.add(new CatalogTable(name, tableType(result.getBoolean(4), result.getBoolean(5))));
                }
            }
        }
        return tables;
    }

    /**
     * Returns the columns, in table order, of the given tables (which must come from
     * {@link #tables} with the same filter); tables without columns map to an empty list.
     */
    Map<TableName, List<ColumnDescription>> columns(
            Connection connection, TableFilter filter, List<CatalogTable> tables) throws SQLException {
        Map<TableName, Boolean> readOnly = new LinkedHashMap<>();
        Map<TableName, List<ColumnDescription>> columns = new LinkedHashMap<>();
        for (CatalogTable table : tables) {
            readOnly.put(table.name(), table.isReadOnly());
            columns.put(table.name(), new ArrayList<>());
        }
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS_SQL)) {
            bindFilter(statement, filter);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    TableName name = new TableName(result.getString(1), result.getString(2), result.getString(3));
                    List<ColumnDescription> tableColumns = columns.get(name);
                    if (tableColumns != null) {
                        tableColumns.add(new ColumnDescription(
                                result.getString(4),
                                result.getString(5),
                                result.getBoolean(6),
                                Optional.of(name),
                                readOnly.get(name),
                                Optional.ofNullable(result.getString(7))));
                    }
                }
            }
        }
        return columns;
    }

    /** The session's {@code TimeZone} setting, which DuckDB puts into exported TIMESTAMPTZ types. */
    static String timeZone(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT current_setting('TimeZone')");
                ResultSet result = statement.executeQuery()) {
            if (!result.next()) {
                throw new SQLException("DuckDB returned no TimeZone setting");
            }
            return result.getString(1);
        }
    }

    private void bindFilter(PreparedStatement statement, TableFilter filter) throws SQLException {
        int index = 1;
        statement.setString(index++, lakeCatalog);
        index = bindTwice(statement, index, filter.catalog().orElse(null));
        index = bindTwice(statement, index, filter.schemaPattern().map(NamePattern::likeOperand).orElse(null));
        bindTwice(statement, index, filter.tablePattern().map(NamePattern::likeOperand).orElse(null));
    }

    private static int bindTwice(PreparedStatement statement, int index, String value) throws SQLException {
        statement.setString(index, value);
        statement.setString(index + 1, value);
        return index + 2;
    }

    private static TableType tableType(boolean isView, boolean temporary) {
        if (!temporary) {
            return TableType.TABLE;
        }
        return isView ? TableType.VIEW : TableType.LOCAL_TEMPORARY;
    }
}
