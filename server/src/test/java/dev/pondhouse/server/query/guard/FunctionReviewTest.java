package dev.pondhouse.server.query.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@link FunctionPolicy} against the functions this DuckDB really has. */
class FunctionReviewTest extends GuardDatabaseTest {
    private static final Set<String> ALLOWED_TABLE_FUNCTIONS = Set.of(
            "range", "generate_series", "unnest", "repeat", "repeat_row", "json_each", "json_tree");

    @Test
    void everyFunctionDuckDbShipsWasReviewed() throws Exception {
        Set<String> reviewed;
        try (InputStream input = getClass().getResourceAsStream("reviewed-functions.txt")) {
            reviewed = new String(input.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .collect(Collectors.toSet());
        }
        try (Connection session = database.newSession()) {
            Set<String> unreviewed = new TreeSet<>(names(session, "SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE internal"));
            unreviewed.removeAll(reviewed);
            assertThat(unreviewed).as("functions new in this DuckDB: review them for FunctionPolicy, then add them to reviewed-functions.txt").isEmpty();
        }
    }

    @Test
    void allowedTableFunctionsExist() throws Exception {
        try (Connection session = database.newSession()) {
            assertThat(names(session, "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'table'"))
                    .containsAll(ALLOWED_TABLE_FUNCTIONS);
        }
    }

    @Test
    void everyOtherTableFunctionIsRefused() throws Exception {
        try (Connection session = database.newSession()) {
            List<String> others = names(session,
                    "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type IN ('table', 'table_macro') ORDER BY 1");
            others.removeAll(ALLOWED_TABLE_FUNCTIONS);
            assertThat(others).hasSizeGreaterThan(90);
            for (String function : others) {
                for (String sql : List.of("select * from " + function + "()", "select * from " + function + "('x')")) {
                    assertThat(guard.check(session, sql, LakeUser.restricted(session)))
                            .as(sql).isEqualTo(new GuardDecision.Denied("table function " + function + " is not permitted", false));
                }
            }
        }
    }

    @Test
    void functionsThatReachOutsideTheDataAreRefused() throws Exception {
        List<String> reaching = List.of("current_setting", "getvariable", "nextval", "currval", "setval", "setseed", "write_log",
                "json_serialize_plan", "json_serialize_sql", "json_deserialize_sql", "in_search_path", "pg_get_viewdef",
                "pg_get_constraintdef", "format_type", "get_block_size", "sleep_ms", "pg_sleep", "__internal_barrier");
        try (Connection session = database.newSession()) {
            assertThat(names(session, "SELECT DISTINCT function_name FROM duckdb_functions()")).containsAll(reaching);
            for (String function : reaching) {
                String sql = "select " + function + "('x')";
                assertThat(guard.check(session, sql, LakeUser.admin(session)))
                        .as(sql).isEqualTo(new GuardDecision.Denied("function " + function + " is not permitted", false));
            }
        }
    }

    @Test
    void everydayFunctionsAreAllowed() throws Exception {
        try (Connection session = database.newSession()) {
            for (String sql : List.of("select lower('A'), upper('a'), length('abc'), abs(-1), round(1.5), coalesce(null, 1)",
                    "select sum(n_nationkey), avg(n_nationkey), count(distinct n_regionkey), string_agg(n_name, ',') from nation",
                    "select date_trunc('month', date '2024-05-17'), strftime(now(), '%Y'), regexp_matches('abc', 'b')",
                    "select row_number() over (), lag(n_name) over (order by n_name) from nation",
                    "select current_user, current_database(), current_schema(), version()")) {
                assertThat(guard.check(session, sql, LakeUser.admin(session))).as(sql).isInstanceOf(GuardDecision.Allowed.class);
            }
        }
    }

    private static List<String> names(Connection session, String query) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement statement = session.createStatement(); ResultSet result = statement.executeQuery(query)) {
            while (result.next()) {
                names.add(result.getString(1));
            }
        }
        return names;
    }
}
