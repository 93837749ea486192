package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A {@link GuardContext} for the tests: a session on a {@link GuardDatabase} (temporary objects are
 * looked up on the session's own connection) and a user whose access is a function of the
 * normalized table name. Records every table it was asked about.
 */
final class LakeUser implements GuardContext {
    private final String name;
    private final Connection session;
    private final Function<QualifiedTable, TableAccess> access;
    private final Map<String, QualifiedTable> replacements;
    private final List<QualifiedTable> asked = new ArrayList<>();

    LakeUser(String name, Connection session, Function<QualifiedTable, TableAccess> access, Map<String, QualifiedTable> replacements) {
        this.name = requireNonNull(name, "name is null");
        this.session = requireNonNull(session, "session is null");
        this.access = requireNonNull(access, "access is null");
        this.replacements = Map.copyOf(requireNonNull(replacements, "replacements is null"));
    }

    /** May read only {@code pondhouse.tpch.nation} and {@code pondhouse.tpch.region}. */
    static LakeUser restricted(Connection session) {
        return new LakeUser("restricted", session,
                table -> lake(table) && List.of("nation", "region").contains(table.table()) ? TableAccess.READ : TableAccess.DENIED,
                Map.of());
    }

    /**
     * May read every lake table; {@code information_schema.tables} and {@code duckdb_tables()} are
     * served by the gateway's own views.
     */
    static LakeUser admin(Connection session) {
        QualifiedTable informationTables = new QualifiedTable("pondhouse", "meta", "tables");
        return new LakeUser("admin", session, table -> {
            if (lake(table)) {
                return TableAccess.READ;
            }
            if (table.equals(new QualifiedTable("system", "information_schema", "tables"))) {
                return TableAccess.readThrough(informationTables);
            }
            return TableAccess.DENIED;
        }, Map.of("duckdb_tables", new QualifiedTable("pondhouse", "meta", "lake_tables")));
    }

    /** May read every lake table, each through its view in {@code pondhouse.guarded}. */
    static LakeUser throughViews(Connection session) {
        return new LakeUser("through-views", session,
                table -> lake(table) ? TableAccess.readThrough(new QualifiedTable("pondhouse", "guarded", table.table())) : TableAccess.DENIED,
                Map.of());
    }

    private static boolean lake(QualifiedTable normalized) {
        return normalized.catalog().equals("pondhouse") && normalized.schema().equals("tpch")
                && GuardDatabase.TPCH_TABLES.contains(normalized.table());
    }

    /** The tables the guard asked about, in order. */
    List<QualifiedTable> asked() {
        return List.copyOf(asked);
    }

    @Override
    public String defaultCatalog() {
        return GuardDatabase.CATALOG;
    }

    @Override
    public String defaultSchema() {
        return GuardDatabase.SCHEMA;
    }

    @Override
    public boolean isTemporaryObject(String objectName) {
        try (PreparedStatement statement = session.prepareStatement(
                "SELECT count(*) FROM (SELECT table_name AS name FROM duckdb_tables() WHERE database_name = 'temp'"
                        + " UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = 'temp')"
                        + " WHERE lower(name) = lower(?)")) {
            statement.setString(1, objectName);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list temporary objects", e);
        }
    }

    @Override
    public TableAccess tableAccess(QualifiedTable table) {
        asked.add(table);
        return access.apply(table.normalized());
    }

    @Override
    public Optional<QualifiedTable> tableFunctionReplacement(String functionName) {
        return Optional.ofNullable(replacements.get(functionName.toLowerCase(Locale.ROOT)));
    }

    @Override
    public String toString() {
        return name;
    }
}
