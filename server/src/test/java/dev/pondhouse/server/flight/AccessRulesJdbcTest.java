package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access rules end to end through the JDBC driver: an allow/deny matrix for four users with
 * different rules, row filters and masks in results, hidden columns and tables in every listing.
 *
 * <ul>
 *   <li>{@code demo} (role reader): every tpch table as it is;
 *   <li>{@code analyst} (role analyst): customers of nation 3 only, phone masked, account balance
 *       hidden; nation and region as they are; nothing else;
 *   <li>{@code canada}: the nation row whose lower-case name is the user's own name;
 *   <li>{@code other} (role reader, but a deny rule first): nothing.
 * </ul>
 */
class AccessRulesJdbcTest {
    private static final String RULES = """
            rules:
              - users: [other]
                tables: ["*.*"]
                privileges: []
              - roles: [reader]
                tables: ["tpch.*"]
                privileges: [read]
              - roles: [analyst]
                tables: [tpch.customer]
                privileges: [read]
                row-filter: "c_nationkey = 3"
                columns:
                  c_phone: { mask: "'***'" }
                  c_acctbal: { hidden: true }
              - roles: [analyst]
                tables: [tpch.nation, tpch.region]
                privileges: [read]
              - users: [canada]
                tables: [tpch.nation]
                privileges: [read]
                row-filter: "lower(n_name) = ${user}"
            """;

    @TempDir
    static Path folder;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path rules = folder.resolve("rules.yaml");
        Files.writeString(rules, RULES);
        server = TestServer.start(Map.of("auth.rules-file", rules.toString()),
                Map.of("analyst", List.of("analyst-password", "analyst"), "canada", List.of("canada-password")));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static Connection connect(String user) {
        return switch (user) {
            case "demo" -> server.connect(TestServer.USER, TestServer.PASSWORD);
            case "other" -> server.connect(TestServer.OTHER_USER, TestServer.OTHER_PASSWORD);
            default -> server.connect(user, user + "-password");
        };
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).isTrue();
            return result.getLong(1);
        }
    }

    private static List<String> column(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                values.add(result.getString(1));
            }
        }
        return values;
    }

    @Test
    void rowFilterLimitsRowsWhateverTheTableIsCalled() throws Exception {
        long canadians;
        try (Connection demo = connect("demo")) {
            assertThat(count(demo, "SELECT count(*) FROM customer")).isEqualTo(1500);
            canadians = count(demo, "SELECT count(*) FROM customer WHERE c_nationkey = 3");
        }
        assertThat(canadians).isBetween(1L, 1499L);
        try (Connection analyst = connect("analyst")) {
            assertThat(count(analyst, "SELECT count(*) FROM customer")).isEqualTo(canadians);
            assertThat(count(analyst, "SELECT count(*) FROM tpch.customer")).isEqualTo(canadians);
            assertThat(count(analyst, "SELECT count(*) FROM pondhouse.tpch.customer c")).isEqualTo(canadians);
            assertThat(count(analyst, "SELECT count(*) FROM (SELECT * FROM customer) WHERE c_nationkey <> 3")).isZero();
            assertThat(column(analyst, "SELECT DISTINCT n_name FROM customer JOIN nation ON c_nationkey = n_nationkey"))
                    .containsExactly("CANADA");
            // A CTE named like the table does not escape the filter: its body reads the filtered view.
            assertThat(count(analyst, "WITH customer AS (SELECT * FROM tpch.customer) SELECT count(*) FROM customer"))
                    .isEqualTo(canadians);
        }
        try (Connection canada = connect("canada")) {
            assertThat(column(canada, "SELECT n_name FROM nation")).containsExactly("CANADA");
        }
    }

    @Test
    void masksReplaceValuesAndHiddenColumnsAreGone() throws Exception {
        try (Connection analyst = connect("analyst")) {
            assertThat(new TreeSet<>(column(analyst, "SELECT c_phone FROM customer"))).containsExactly("***");
            try (Statement statement = analyst.createStatement();
                    ResultSet result = statement.executeQuery("SELECT * FROM customer LIMIT 1")) {
                ResultSetMetaData metadata = result.getMetaData();
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= metadata.getColumnCount(); i++) {
                    names.add(metadata.getColumnName(i));
                }
                assertThat(names).contains("c_custkey", "c_phone").doesNotContain("c_acctbal");
            }
            assertThatThrownBy(() -> count(analyst, "SELECT sum(c_acctbal) FROM customer"))
                    .hasMessageContaining("c_acctbal");
        }
        try (Connection demo = connect("demo")) {
            assertThat(new TreeSet<>(column(demo, "SELECT c_phone FROM customer LIMIT 5"))).doesNotContain("***");
        }
    }

    @Test
    void tablesWithoutGrantAreDeniedWithoutSayingWhetherTheyExist() throws Exception {
        try (Connection analyst = connect("analyst")) {
            String existing = deniedMessage(analyst, "SELECT count(*) FROM orders");
            String missing = deniedMessage(analyst, "SELECT count(*) FROM no_such_table");
            assertThat(existing).contains("orders").contains("does not exist or you may not read it");
            assertThat(missing.replace("no_such_table", "orders")).isEqualTo(existing);
        }
        try (Connection other = connect("other")) {
            assertThatThrownBy(() -> count(other, "SELECT count(*) FROM nation"))
                    .hasMessageContaining("does not exist or you may not read it");
            // Still connected and able to run what needs no table.
            assertThat(count(other, "SELECT 42")).isEqualTo(42);
        }
    }

    private static String deniedMessage(Connection connection, String sql) {
        try {
            count(connection, sql);
        } catch (SQLException e) {
            return e.getMessage();
        }
        throw new AssertionError("not denied: " + sql);
    }

    @Test
    void metadataListsOnlyWhatTheUserMayRead() throws Exception {
        assertThat(tables("demo")).containsExactly("customer", "lineitem", "nation", "orders", "part", "partsupp",
                "region", "supplier");
        assertThat(tables("analyst")).containsExactly("customer", "nation", "region");
        assertThat(tables("canada")).containsExactly("nation");
        assertThat(tables("other")).isEmpty();
        try (Connection analyst = connect("analyst")) {
            DatabaseMetaData metadata = analyst.getMetaData();
            List<String> columns = new ArrayList<>();
            try (ResultSet result = metadata.getColumns(null, "tpch", "customer", "%")) {
                while (result.next()) {
                    columns.add(result.getString("COLUMN_NAME"));
                }
            }
            assertThat(columns).contains("c_custkey", "c_phone").doesNotContain("c_acctbal");
            List<String> catalogs = new ArrayList<>();
            try (ResultSet result = metadata.getCatalogs()) {
                while (result.next()) {
                    catalogs.add(result.getString(1));
                }
            }
            assertThat(catalogs).containsExactly("pondhouse");
        }
        try (Connection other = connect("other")) {
            try (ResultSet result = other.getMetaData().getSchemas()) {
                assertThat(result.next()).as("schemas visible to a user with no grant").isFalse();
            }
        }
    }

    private static List<String> tables(String user) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = connect(user);
                ResultSet result = connection.getMetaData().getTables(null, "tpch", "%", null)) {
            while (result.next()) {
                names.add(result.getString("TABLE_NAME"));
            }
        }
        names.sort(null);
        return names;
    }

    @Test
    void sqlListingsAreFilteredToo() throws Exception {
        try (Connection analyst = connect("analyst")) {
            assertThat(new TreeSet<>(column(analyst,
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'tpch'")))
                    .containsExactly("customer", "nation", "region");
            assertThat(column(analyst, "SELECT column_name FROM information_schema.columns WHERE table_name = 'customer'"))
                    .contains("c_phone").doesNotContain("c_acctbal");
            assertThat(new TreeSet<>(column(analyst, "SELECT view_name FROM duckdb_views() WHERE schema_name = 'tpch'")))
                    .containsExactly("customer", "nation", "region");
            assertThat(column(analyst, "SELECT column_name FROM duckdb_columns() WHERE table_name = 'customer'"))
                    .doesNotContain("c_acctbal");
            assertThat(new TreeSet<>(column(analyst, "SELECT database_name FROM duckdb_databases()")))
                    .doesNotContain("pondhouse_access", "system");
        }
    }

    @Test
    void temporaryViewsReadThroughTheRulesOfTheirCreator() throws Exception {
        long canadians;
        try (Connection demo = connect("demo")) {
            canadians = count(demo, "SELECT count(*) FROM customer WHERE c_nationkey = 3");
        }
        try (Connection analyst = connect("analyst"); Statement statement = analyst.createStatement()) {
            statement.execute("CREATE TEMP VIEW mine AS SELECT c_custkey, c_phone FROM customer");
            assertThat(count(analyst, "SELECT count(*) FROM mine")).isEqualTo(canadians);
            assertThatThrownBy(() -> statement.execute("CREATE TEMP VIEW sneaky AS SELECT * FROM orders"))
                    .hasMessageContaining("does not exist or you may not read it");
            statement.execute("DROP VIEW mine");
            assertThatThrownBy(() -> count(analyst, "SELECT count(*) FROM mine"))
                    .hasMessageContaining("mine");
        }
    }

    @Test
    void aQueryAllowedOnATemporaryViewIsCheckedAgainOnceTheViewIsGone() throws Exception {
        try (Connection analyst = connect("analyst"); Statement statement = analyst.createStatement()) {
            // A temporary view named like a table the analyst may not read shadows it.
            statement.execute("CREATE TEMP VIEW orders AS SELECT 7 AS o_orderkey");
            // Twice: the second run is answered from the session's remembered checks.
            assertThat(count(analyst, "SELECT count(*) FROM orders")).isEqualTo(1);
            assertThat(count(analyst, "SELECT count(*) FROM orders")).isEqualTo(1);
            statement.execute("DROP VIEW orders");
            // The same text now names the lake table again, which stays denied.
            assertThatThrownBy(() -> count(analyst, "SELECT count(*) FROM orders"))
                    .hasMessageContaining("does not exist or you may not read it");
            statement.execute("CREATE TEMP TABLE orders AS SELECT 1 AS o_orderkey UNION ALL SELECT 2");
            assertThat(count(analyst, "SELECT count(*) FROM orders")).isEqualTo(2);
        }
    }

    @Test
    void useChangesTheDefaultSchemaOnlyToAReadableOne() throws Exception {
        try (Connection analyst = connect("analyst"); Statement statement = analyst.createStatement()) {
            statement.execute("USE tpch");
            assertThat(count(analyst, "SELECT count(*) FROM region")).isEqualTo(5);
            assertThatThrownBy(() -> statement.execute("USE pondhouse_access.main"))
                    .hasMessageContaining("does not exist or you may not read it");
        }
    }
}
