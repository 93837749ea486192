package dev.pondhouse.server.query.access;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.security.rules.AccessRule;
import dev.pondhouse.security.rules.AccessRules;
import dev.pondhouse.security.rules.ColumnRule;
import dev.pondhouse.security.rules.RuleProblem;
import dev.pondhouse.security.rules.RuleValidator;
import dev.pondhouse.security.rules.SourceText;
import dev.pondhouse.security.rules.TableGrant;
import dev.pondhouse.security.rules.TablePattern;
import dev.pondhouse.server.engine.QueryEngine;
import dev.pondhouse.server.query.guard.GuardContext;
import dev.pondhouse.server.query.guard.GuardDecision;
import dev.pondhouse.server.query.guard.QualifiedTable;
import dev.pondhouse.server.query.guard.StatementGuard;
import dev.pondhouse.server.query.guard.TableAccess;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks access rules against the lake before they are put in force:
 *
 * <ul>
 *   <li>a table pattern without {@code *} names a served table;
 *   <li>a column a rule hides or masks exists in every served table the rule covers;
 *   <li>a row filter and each mask pass the statement guard as an expression over that one table
 *       (no other table, no denied function), bind in DuckDB, and a mask has the column's type.
 * </ul>
 *
 * Expressions are checked with {@code ${user}} standing for a sample user name. Each problem
 * carries the line of the pattern, column or expression it is about.
 */
public final class AccessRuleChecker implements RuleValidator {
    private static final String SAMPLE_USER = "rule_check";

    private final QueryEngine engine;
    private final StatementGuard guard;
    private final Supplier<Set<String>> servedTables;

    public AccessRuleChecker(QueryEngine engine, StatementGuard guard, Supplier<Set<String>> servedTables) {
        this.engine = requireNonNull(engine, "engine is null");
        this.guard = requireNonNull(guard, "guard is null");
        this.servedTables = requireNonNull(servedTables, "servedTables is null");
    }

    @Override
    public List<RuleProblem> validate(AccessRules rules) {
        try {
            return engine.withAdminConnection(connection -> validate(connection, rules));
        } catch (SQLException e) {
            throw new IllegalStateException("checking the access rules against the lake failed: " + e.getMessage(), e);
        }
    }

    private List<RuleProblem> validate(Connection connection, AccessRules rules) throws SQLException {
        Map<String, Map<String, String>> columnTypes = columnTypes(connection);
        List<RuleProblem> problems = new ArrayList<>();
        for (AccessRule rule : rules.rules()) {
            for (TablePattern pattern : rule.tables()) {
                if (!pattern.text().contains("*") && !columnTypes.containsKey(pattern.text().toLowerCase(Locale.ROOT))) {
                    problems.add(new RuleProblem(pattern.line(), "table " + pattern.text() + " does not exist"));
                }
            }
            if (rule.denies()) {
                continue;
            }
            TableGrant grant = TableGrant.of(rule, SAMPLE_USER);
            for (String table : columnTypes.keySet().stream().sorted().toList()) {
                int dot = table.indexOf('.');
                if (rule.covers(table.substring(0, dot), table.substring(dot + 1))) {
                    checkTable(connection, rule, grant, table, columnTypes.get(table), problems);
                }
            }
        }
        return problems;
    }

    private void checkTable(Connection connection, AccessRule rule, TableGrant grant, String table,
            Map<String, String> columns, List<RuleProblem> problems) throws SQLException {
        for (Map.Entry<String, ColumnRule> column : rule.columns().entrySet()) {
            if (!columns.containsKey(column.getKey())) {
                problems.add(new RuleProblem(column.getValue().line(),
                        "column " + column.getKey() + " does not exist in table " + table));
            }
        }
        QualifiedTable target = qualified(table);
        if (grant.rowFilter().isPresent()) {
            int line = rule.rowFilter().map(SourceText::line).orElse(rule.line());
            check(connection, target, "SELECT 1 FROM " + target.quoted() + " WHERE (" + grant.rowFilter().get() + ")", line,
                    "row filter", problems);
        }
        for (Map.Entry<String, ColumnRule> column : grant.columns().entrySet()) {
            if (!(column.getValue() instanceof ColumnRule.Mask mask) || !columns.containsKey(column.getKey())) {
                continue;
            }
            String what = "mask of column " + column.getKey();
            Optional<String> type = check(connection, target, "SELECT (" + mask.expression().text() + ") FROM " + target.quoted(),
                    mask.line(), what, problems);
            String expected = columns.get(column.getKey());
            if (type.isPresent() && !type.get().equalsIgnoreCase(expected)) {
                problems.add(new RuleProblem(mask.line(), what + " in table " + table + " has type " + type.get()
                        + ", the column has type " + expected + "; cast it, e.g. CAST(... AS " + expected + ")"));
            }
        }
    }

    /** Runs the guard on {@code sql} over the one table, then binds it; returns the first column's type. */
    private Optional<String> check(Connection connection, QualifiedTable table, String sql, int line, String what,
            List<RuleProblem> problems) throws SQLException {
        GuardDecision decision = guard.check(connection, sql, new OneTable(table));
        if (decision instanceof GuardDecision.Denied denied) {
            problems.add(new RuleProblem(line, what + " is not allowed on table " + table.schema() + "." + table.table()
                    + ": " + denied.message()));
            return Optional.empty();
        }
        try (PreparedStatement statement = connection.prepareStatement(sql + " LIMIT 0")) {
            return Optional.of(statement.getMetaData().getColumnTypeName(1));
        } catch (SQLException e) {
            problems.add(new RuleProblem(line, what + " does not apply to table " + table.schema() + "." + table.table()
                    + ": " + e.getMessage()));
            return Optional.empty();
        }
    }

    private QualifiedTable qualified(String table) {
        int dot = table.indexOf('.');
        return new QualifiedTable(engine.catalog(), table.substring(0, dot), table.substring(dot + 1));
    }

    /** Lower-case {@code schema.table} of every served table to lower-case column name to DuckDB type. */
    private Map<String, Map<String, String>> columnTypes(Connection connection) throws SQLException {
        Set<String> served = servedTables.get();
        Map<String, Map<String, String>> types = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = ?")) {
            statement.setString(1, engine.catalog());
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    String table = result.getString(1) + "." + result.getString(2);
                    if (served.contains(table)) {
                        types.computeIfAbsent(table.toLowerCase(Locale.ROOT), key -> new HashMap<>())
                                .put(result.getString(3).toLowerCase(Locale.ROOT), result.getString(4));
                    }
                }
            }
        }
        return types;
    }

    /** Lets an expression read only the table it is about. */
    private record OneTable(QualifiedTable table) implements GuardContext {
        @Override
        public String defaultCatalog() {
            return table.catalog();
        }

        @Override
        public String defaultSchema() {
            return table.schema();
        }

        @Override
        public boolean isTemporaryObject(String name) {
            return false;
        }

        @Override
        public TableAccess tableAccess(QualifiedTable candidate) {
            return candidate.sameObjectAs(table) ? TableAccess.READ : TableAccess.DENIED;
        }

        @Override
        public Optional<QualifiedTable> tableFunctionReplacement(String functionName) {
            return Optional.empty();
        }
    }
}
