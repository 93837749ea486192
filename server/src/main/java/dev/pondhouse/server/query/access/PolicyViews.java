package dev.pondhouse.server.query.access;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.engine.QueryEngine;
import dev.pondhouse.server.engine.SqlIdentifiers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The views that enforce access rules, in the engine's access catalog (never readable by a user's
 * own SQL: the statement guard only lets users name lake tables, and rewrites those that carry a
 * restriction into these views).
 *
 * <p>A restricted table becomes {@code "<access>"."<schema>"."<table>__<hash>"}, defined as
 * {@code SELECT * EXCLUDE (hidden) REPLACE (mask AS column) FROM <lake view> WHERE (filter)}; the
 * hash covers the definition, so users with the same restriction share one view, and a view is
 * never changed in place. Listing views ({@code information_schema}, {@code duckdb_*()}) filtered
 * to what a user may see live in {@code "<access>"."listing_<hash>"}.
 *
 * <p>Thread-safety: all methods are synchronized; DDL runs on the engine's admin connection.
 */
final class PolicyViews {
    /** Listing views: the name users write, and the system listing it filters. */
    static final Map<String, String> INFORMATION_SCHEMA_LISTINGS = Map.of(
            "tables", "information_schema.tables",
            "views", "information_schema.views",
            "columns", "information_schema.columns",
            "schemata", "information_schema.schemata");
    static final Map<String, String> FUNCTION_LISTINGS = Map.of(
            "duckdb_tables", "duckdb_tables()",
            "duckdb_views", "duckdb_views()",
            "duckdb_columns", "duckdb_columns()",
            "duckdb_schemas", "duckdb_schemas()",
            "duckdb_databases", "duckdb_databases()");

    private final QueryEngine engine;

    // Guarded by this: qualified names of the views created so far.
    private final Set<String> created = new HashSet<>();

    PolicyViews(QueryEngine engine) {
        this.engine = requireNonNull(engine, "engine is null");
    }

    /** The view that serves {@code schema.table} under {@code restriction}, created if needed. */
    synchronized ViewName restrictedView(String schema, String table, TableRestriction restriction) throws SQLException {
        String definition = restrictedDefinition(schema, table, restriction);
        ViewName view = new ViewName(engine.accessCatalog(), schema, table + "__" + hash(definition));
        create(view, definition);
        return view;
    }

    /**
     * The listing views for a user who sees exactly {@code visible} lake tables (lower-case
     * {@code schema.table}) minus {@code hidden} columns (lower-case {@code schema.table.column}).
     * Returns listing name ({@code tables}, {@code duckdb_columns}, ...) to view.
     */
    synchronized Map<String, ViewName> listingViews(Set<String> visible, Set<String> hidden) throws SQLException {
        String signature = String.join(",", new java.util.TreeSet<>(visible)) + "|" + String.join(",", new java.util.TreeSet<>(hidden));
        String schema = "listing_" + hash(signature);
        Map<String, ViewName> views = new java.util.HashMap<>();
        String lake = SqlIdentifiers.literal(engine.catalog().toLowerCase(java.util.Locale.ROOT));
        String tableList = literalList(visible);
        String schemaList = literalList(visible.stream().map(name -> name.substring(0, name.indexOf('.'))).collect(Collectors.toSet()));
        String hiddenList = literalList(hidden);
        for (Map.Entry<String, String> listing : INFORMATION_SCHEMA_LISTINGS.entrySet()) {
            String filter = switch (listing.getKey()) {
                case "schemata" -> schemaFilter("catalog_name", "schema_name", lake, schemaList);
                case "columns" -> tableFilter("table_catalog", "table_schema", "table_name", lake, tableList)
                        + " AND " + columnFilter("table_schema", "table_name", "column_name", hiddenList);
                default -> tableFilter("table_catalog", "table_schema", "table_name", lake, tableList);
            };
            ViewName view = new ViewName(engine.accessCatalog(), schema, listing.getKey());
            create(view, "SELECT * FROM " + listing.getValue() + " WHERE " + filter);
            views.put(listing.getKey(), view);
        }
        for (Map.Entry<String, String> listing : FUNCTION_LISTINGS.entrySet()) {
            String filter = switch (listing.getKey()) {
                case "duckdb_databases" -> "lower(database_name) IN (" + lake + ", 'temp')";
                case "duckdb_schemas" -> schemaFilter("database_name", "schema_name", lake, schemaList);
                case "duckdb_views" -> tableFilter("database_name", "schema_name", "view_name", lake, tableList);
                case "duckdb_columns" -> tableFilter("database_name", "schema_name", "table_name", lake, tableList)
                        + " AND " + columnFilter("schema_name", "table_name", "column_name", hiddenList);
                default -> tableFilter("database_name", "schema_name", "table_name", lake, tableList);
            };
            ViewName view = new ViewName(engine.accessCatalog(), schema, listing.getKey());
            create(view, "SELECT * FROM " + listing.getValue() + " WHERE " + filter);
            views.put(listing.getKey(), view);
        }
        return Map.copyOf(views);
    }

    private static String tableFilter(String catalog, String schema, String table, String lake, String tableList) {
        return "(lower(" + catalog + ") = 'temp' OR (lower(" + catalog + ") = " + lake + " AND lower(" + schema
                + ") || '.' || lower(" + table + ") IN " + tableList + "))";
    }

    private static String schemaFilter(String catalog, String schema, String lake, String schemaList) {
        return "((lower(" + catalog + ") = 'temp' AND " + schema + " = 'main') OR (lower(" + catalog + ") = " + lake
                + " AND lower(" + schema + ") IN " + schemaList + "))";
    }

    private static String columnFilter(String schema, String table, String column, String hiddenList) {
        return "lower(" + schema + ") || '.' || lower(" + table + ") || '.' || lower(" + column + ") NOT IN " + hiddenList;
    }

    private static String literalList(Set<String> values) {
        if (values.isEmpty()) {
            return "(NULL)";
        }
        return values.stream().sorted().map(SqlIdentifiers::literal).collect(Collectors.joining(", ", "(", ")"));
    }

    private String restrictedDefinition(String schema, String table, TableRestriction restriction) {
        StringBuilder sql = new StringBuilder("SELECT *");
        if (!restriction.hiddenColumns().isEmpty()) {
            sql.append(restriction.hiddenColumns().stream().sorted().map(SqlIdentifiers::quote)
                    .collect(Collectors.joining(", ", " EXCLUDE (", ")")));
        }
        if (!restriction.masks().isEmpty()) {
            List<String> replacements = new ArrayList<>();
            restriction.masks().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(mask ->
                    replacements.add("(" + mask.getValue() + ") AS " + SqlIdentifiers.quote(mask.getKey())));
            sql.append(" REPLACE (").append(String.join(", ", replacements)).append(")");
        }
        sql.append(" FROM ").append(SqlIdentifiers.qualified(engine.catalog(), schema, table));
        restriction.rowFilter().ifPresent(filter -> sql.append(" WHERE (").append(filter).append(")"));
        return sql.toString();
    }

    private void create(ViewName view, String definition) throws SQLException {
        if (created.contains(view.toString())) {
            return;
        }
        engine.withAdminConnection(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE SCHEMA IF NOT EXISTS " + SqlIdentifiers.quote(view.catalog()) + "."
                        + SqlIdentifiers.quote(view.schema()));
                statement.execute("CREATE OR REPLACE VIEW " + view.quoted() + " AS " + definition);
            }
            return null;
        });
        created.add(view.toString());
    }

    /** Binds {@code SELECT * FROM view LIMIT 0}: fails when a rule's expression does not fit the table. */
    void check(ViewName view) throws SQLException {
        engine.withAdminConnection(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.executeQuery("SELECT * FROM " + view.quoted() + " LIMIT 0").close();
            }
            return null;
        });
    }

    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** A view in the access catalog. */
    record ViewName(String catalog, String schema, String name) {
        ViewName {
            requireNonNull(catalog, "catalog is null");
            requireNonNull(schema, "schema is null");
            requireNonNull(name, "name is null");
        }

        String quoted() {
            return SqlIdentifiers.qualified(catalog, schema, name);
        }

        @Override
        public String toString() {
            return catalog + "." + schema + "." + name;
        }
    }
}
