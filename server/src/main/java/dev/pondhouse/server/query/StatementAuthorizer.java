package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.audit.AuditEvent;
import dev.pondhouse.server.audit.AuditLog;
import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.query.access.AccessControl;
import dev.pondhouse.server.query.access.UserAccess;
import dev.pondhouse.server.query.guard.GuardContext;
import dev.pondhouse.server.query.guard.GuardDecision;
import dev.pondhouse.server.query.guard.QualifiedTable;
import dev.pondhouse.server.query.guard.StatementGuard;
import dev.pondhouse.server.query.guard.StatementKind;
import dev.pondhouse.server.query.guard.TableAccess;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks every statement of a session with the {@link StatementGuard} against what the session's
 * user may read now ({@link AccessControl}), and returns the statement to run: the user's own text,
 * or the guard's rewrite that reads restricted tables through their policy views. A denial is
 * audited and becomes a {@link ErrorKind#PERMISSION_DENIED} error with the guard's message.
 *
 * <p>Thread-safe; each call uses the session connection it is given, which the caller holds.
 */
public final class StatementAuthorizer {
    private static final String TEMPORARY_OBJECTS = "SELECT 'VIEW', view_name FROM duckdb_views() "
            + "WHERE database_name = 'temp' AND NOT internal "
            + "UNION ALL SELECT 'TABLE', table_name FROM duckdb_tables() WHERE database_name = 'temp'";

    private final StatementGuard guard;
    private final AccessControl access;
    private final AuditLog audit;
    private final Clock clock;

    public StatementAuthorizer(StatementGuard guard, AccessControl access, AuditLog audit, Clock clock) {
        this.guard = requireNonNull(guard, "guard is null");
        this.access = requireNonNull(access, "access is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** What the session's user may read now. */
    public UserAccess accessFor(QuerySession session) {
        return access.accessFor(session.user());
    }

    /**
     * Decides on {@code sql} for the session's user.
     *
     * @param connection the session's connection, held by the caller
     * @throws PondhouseException {@link ErrorKind#PERMISSION_DENIED} when the guard denies, or the
     *     user's syntax error as DuckDB reports it
     */
    public Authorized authorize(QuerySession session, Connection connection, String sql) {
        UserAccess userAccess = accessFor(session);
        dropTemporaryObjectsIfAccessChanged(session, userAccess, connection);
        Optional<Authorized> checkedBefore = session.checkedStatements().find(sql, userAccess);
        if (checkedBefore.isPresent()) {
            return checkedBefore.get();
        }
        Optional<UseStatement> use = UseStatement.parse(sql);
        if (use.isPresent()) {
            return authorizeUse(session, userAccess, use.get(), sql);
        }
        GuardDecision decision;
        try {
            decision = guard.check(connection, sql, new SessionGuardContext(connection, userAccess));
        } catch (SQLException e) {
            throw DuckDbErrors.classify(e);
        }
        if (decision instanceof GuardDecision.Allowed allowed) {
            List<String> tables = allowed.tablesRead().stream()
                    .map(table -> table.catalog().equalsIgnoreCase(access.accessCatalog())
                            ? table.table() + "()"
                            : table.schema() + "." + table.table())
                    .sorted()
                    .toList();
            Authorized authorized = new Authorized(allowed.sqlToRun(), tables, userAccess.generation(),
                    allowed.kind() != StatementKind.QUERY);
            session.checkedStatements().remember(sql, userAccess, authorized);
            return authorized;
        }
        GuardDecision.Denied denied = (GuardDecision.Denied) decision;
        if (denied.userSyntaxError()) {
            throw PondhouseException.userError(denied.message());
        }
        throw deny(session, sql, denied.message());
    }

    private PondhouseException deny(QuerySession session, String sql, String message) {
        audit.record(new AuditEvent(clock.instant(), AuditEvent.Kind.DENIED, session.user(), session.clientAddress(),
                Optional.of(sql), List.of(), 0, 0, Duration.ZERO, AuditEvent.Outcome.DENIED, Optional.of(message)));
        return new PondhouseException(ErrorKind.PERMISSION_DENIED, message);
    }

    /**
     * Temporary views and tables were checked, and filled, under the user's access when they were
     * created; when the rules that apply to the user or their roles changed since, they are dropped
     * so that nothing read under the old rules stays readable.
     */
    private void dropTemporaryObjectsIfAccessChanged(QuerySession session, UserAccess userAccess, Connection connection) {
        String key = userAccess.accessKey();
        Optional<String> before = session.accessKey();
        if (before.isPresent() && before.get().equals(key)) {
            return;
        }
        if (before.isPresent()) {
            List<String> drops = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet objects = statement.executeQuery(TEMPORARY_OBJECTS)) {
                while (objects.next()) {
                    drops.add("DROP " + objects.getString(1) + " IF EXISTS temp.main." + SqlIdentifiers.quote(objects.getString(2)));
                }
                for (String command : drops) {
                    statement.execute(command);
                }
                session.checkedStatements().forget();
            } catch (SQLException e) {
                throw DuckDbErrors.classify(e);
            }
        }
        session.accessKey(key);
    }

    /**
     * {@code USE}: allowed for a schema of the lake catalog that holds a table the user may read (or
     * the catalog alone, which DuckDB resolves to its default schema), and for {@code temp}.
     */
    private Authorized authorizeUse(QuerySession session, UserAccess userAccess, UseStatement use, String sql) {
        String catalog = use.second().isPresent() ? use.first() : access.lakeCatalog();
        String schema = use.second().orElse(use.first());
        boolean lakeSchema = catalog.equalsIgnoreCase(access.lakeCatalog()) && userAccess.readableTables().stream()
                .anyMatch(table -> table.startsWith(schema.toLowerCase(Locale.ROOT) + "."));
        boolean lakeCatalogOnly = use.second().isEmpty() && schema.equalsIgnoreCase(access.lakeCatalog());
        boolean temporary = (use.second().isEmpty() && schema.equalsIgnoreCase("temp"))
                || (catalog.equalsIgnoreCase("temp") && schema.equalsIgnoreCase("main"));
        if (!lakeSchema && !lakeCatalogOnly && !temporary) {
            String message = "schema " + (use.second().isPresent() ? use.first() + "." : "") + schema
                    + " does not exist or you may not read it";
            throw deny(session, sql, message);
        }
        String target = use.second().isPresent()
                ? SqlIdentifiers.quote(use.first()) + "." + SqlIdentifiers.quote(use.second().get())
                : SqlIdentifiers.quote(use.first());
        return new Authorized("USE " + target, List.of(), userAccess.generation(), true);
    }

    /**
     * A statement the guard allowed.
     *
     * @param sql what to run
     * @param tables the tables it reads, {@code schema.table}, for the audit record
     * @param generation the access generation it was checked against
     * @param changesSession whether running it may change the session's defaults or temporary
     *     objects (anything but a query), so that the session's checked statements no longer hold
     */
    public record Authorized(String sql, List<String> tables, long generation, boolean changesSession) {
        public Authorized {
            requireNonNull(sql, "sql is null");
            tables = List.copyOf(tables);
        }
    }

    /**
     * The guard's view of one session: its defaults and temporary objects, read from its connection
     * with one query, the first time the guard asks for any of them (a statement that names no table
     * never asks; one that names several costs one query, not one per name).
     */
    private static final class SessionGuardContext implements GuardContext {
        private static final String SESSION_STATE = """
                SELECT current_database(), current_schema(),
                    (SELECT list(lower(table_name)) FROM duckdb_tables() WHERE database_name = 'temp'),
                    (SELECT list(lower(view_name)) FROM duckdb_views() WHERE database_name = 'temp' AND NOT internal)""";

        private final Connection connection;
        private final UserAccess userAccess;
        private String catalog;
        private String schema;
        private Set<String> temporaryObjects;

        SessionGuardContext(Connection connection, UserAccess userAccess) {
            this.connection = connection;
            this.userAccess = userAccess;
        }

        @Override
        public String defaultCatalog() {
            readSessionState();
            return catalog;
        }

        @Override
        public String defaultSchema() {
            readSessionState();
            return schema;
        }

        @Override
        public boolean isTemporaryObject(String name) {
            readSessionState();
            return temporaryObjects.contains(name.toLowerCase(Locale.ROOT));
        }

        private void readSessionState() {
            if (catalog != null) {
                return;
            }
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery(SESSION_STATE)) {
                result.next();
                Set<String> names = new HashSet<>();
                addNames(names, result.getArray(3));
                addNames(names, result.getArray(4));
                temporaryObjects = names;
                schema = result.getString(2);
                catalog = result.getString(1);
            } catch (SQLException e) {
                throw DuckDbErrors.classify(e);
            }
        }

        private static void addNames(Set<String> names, java.sql.Array list) throws SQLException {
            if (list == null) {
                return;
            }
            for (Object name : (Object[]) list.getArray()) {
                if (name != null) {
                    names.add(name.toString());
                }
            }
        }

        @Override
        public TableAccess tableAccess(QualifiedTable table) {
            return userAccess.tableAccess(table);
        }

        @Override
        public Optional<QualifiedTable> tableFunctionReplacement(String functionName) {
            return userAccess.tableFunctionReplacement(functionName);
        }
    }
}
