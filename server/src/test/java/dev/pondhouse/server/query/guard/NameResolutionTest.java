package dev.pondhouse.server.query.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How names resolve: first DuckDB's own rules that {@link TableNameResolver} and
 * {@link QueryTreeChecker} rely on (a DuckDB upgrade that changes one fails here), then the guard's
 * resolution, seen through the tables it asks the context about.
 */
class NameResolutionTest extends GuardDatabaseTest {
    @Test
    void duckDbSearchesTemporaryObjectsFirstThenTheCurrentSchema() throws Exception {
        try (Connection session = database.newSession()) {
            assertThat(text(session, "SELECT min(n_name) FROM nation")).isEqualTo("ALGERIA");
            assertThat(text(session, "SELECT min(n_name) FROM pondhouse.nation")).as("catalog.table is the current schema").isEqualTo("ALGERIA");
            execute(session, "CREATE TEMP VIEW nation AS SELECT 'TEMP' AS n_name");
            assertThat(text(session, "SELECT min(n_name) FROM nation")).isEqualTo("TEMP");
            assertThat(text(session, "SELECT min(n_name) FROM main.nation")).as("main.x finds temp.main.x first").isEqualTo("TEMP");
            assertThat(text(session, "SELECT min(n_name) FROM tpch.nation")).isEqualTo("ALGERIA");
            assertThat(text(session, "SELECT min(n_name) FROM \"PONDHOUSE\".\"TPCH\".\"NATION\"")).isEqualTo("ALGERIA");
            assertThat(text(session, "SELECT count(*) FROM credentials")).as("pondhouse.main is searched too").isEqualTo("1");
            assertThat(text(session, "SELECT count(*) > 0 FROM information_schema.tables")).isEqualTo("true");
            assertThat(text(session, "SELECT count(*) > 0 FROM duckdb_tables")).as("system.main is searched too").isEqualTo("true");
            assertThatThrownBy(() -> text(session, "SELECT * FROM internal")).as("memory is not searched").isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> text(session, "SELECT * FROM pondhouse.information_schema.tables")).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void duckDbRefusesAQualifierThatIsBothACatalogAndASchema() throws Exception {
        try (Connection session = database.newSession()) {
            execute(session, "ATTACH ':memory:' AS secret");
            try {
                assertThatThrownBy(() -> text(session, "SELECT * FROM secret.nation")).hasMessageContaining("Ambiguous reference");
            } finally {
                execute(session, "DETACH secret");
            }
        }
    }

    @Test
    void duckDbScopesCtesLikeTheGuard() throws Exception {
        try (Connection session = database.newSession()) {
            assertThat(text(session, "WITH B AS (SELECT 'CTE' AS n_name) SELECT n_name FROM b")).as("case-insensitive").isEqualTo("CTE");
            assertThat(text(session, "WITH a AS (SELECT min(n_name) AS n_name FROM nation), nation AS (SELECT 'CTE' AS n_name) SELECT n_name FROM a"))
                    .as("no forward reference").isEqualTo("ALGERIA");
            assertThat(text(session, "WITH nation AS (SELECT min(n_name) AS n_name FROM nation) SELECT n_name FROM nation"))
                    .as("no self reference").isEqualTo("ALGERIA");
            assertThat(text(session, "WITH RECURSIVE nation AS (SELECT min(n_name) AS n_name FROM nation) SELECT n_name FROM nation"))
                    .as("no self reference without a recursive union").isEqualTo("ALGERIA");
            assertThat(text(session, "WITH RECURSIVE nation AS (SELECT min(n_name) AS n_name FROM nation UNION ALL SELECT 'CTE' FROM nation WHERE false) "
                    + "SELECT min(n_name) FROM nation")).as("the anchor reads the table").isEqualTo("ALGERIA");
            assertThat(text(session, "SELECT max(x.n_name) FROM (WITH nation AS (SELECT 'ZZZ CTE' AS n_name) SELECT * FROM nation) x, nation"))
                    .isEqualTo("ZZZ CTE");
            assertThat(text(session, "SELECT count(*) FROM (SELECT 1) x, (WITH nation AS (SELECT 1) SELECT * FROM nation) y, nation"))
                    .as("a subquery's CTE does not leak").isEqualTo("25");
            assertThat(text(session, "WITH credentials AS (SELECT 1 UNION ALL SELECT 2) SELECT count(*) FROM main.credentials"))
                    .as("never for a qualified name").isEqualTo("1");
        }
    }

    @Test
    void unqualifiedNameIsTheCurrentSchemaUnlessATemporaryObjectHasIt() throws Exception {
        try (Connection session = database.newSession()) {
            assertThat(asked(session, "select * from nation")).containsExactly(table("pondhouse", "tpch", "nation"));
            execute(session, "CREATE TEMP VIEW nation AS SELECT 1");
            assertThat(asked(session, "select * from nation")).isEmpty();
            assertThat(asked(session, "select * from main.nation")).isEmpty();
            assertThat(asked(session, "select * from temp.nation, temp.main.nation")).isEmpty();
            assertThat(asked(session, "select * from tpch.nation")).containsExactly(table("pondhouse", "tpch", "nation"));
        }
    }

    @Test
    void qualifiedNamesResolveAsDuckDbResolvesThem() throws Exception {
        try (Connection session = database.newSession()) {
            assertThat(asked(session, "select * from pondhouse.nation")).containsExactly(table("pondhouse", "tpch", "nation"));
            assertThat(asked(session, "select * from main.credentials")).containsExactly(table("pondhouse", "main", "credentials"));
            assertThat(asked(session, "select * from secret.nation")).containsExactly(table("pondhouse", "secret", "nation"));
            assertThat(asked(session, "select * from information_schema.tables")).containsExactly(table("system", "information_schema", "tables"));
            assertThat(asked(session, "select * from pg_catalog.pg_class")).containsExactly(table("system", "pg_catalog", "pg_class"));
            assertThat(asked(session, "select * from system.duckdb_tables")).containsExactly(table("system", "main", "duckdb_tables"));
            assertThat(asked(session, "select * from memory.main.internal")).containsExactly(table("memory", "main", "internal"));
            assertThat(asked(session, "select * from duckdb_tables")).containsExactly(table("pondhouse", "tpch", "duckdb_tables"));
        }
    }

    @Test
    void cteNamesShadowOnlyWhereDuckDbLetsThem() throws Exception {
        try (Connection session = database.newSession()) {
            assertThat(asked(session, "with orders as (select 1) select * from orders")).isEmpty();
            assertThat(asked(session, "with ORDERS as (select 1) select * from \"orders\"")).isEmpty();
            assertThat(asked(session, "with a as (select * from orders), orders as (select 1) select * from a"))
                    .containsExactly(table("pondhouse", "tpch", "orders"));
            assertThat(asked(session, "with orders as (select * from orders) select * from orders"))
                    .containsExactly(table("pondhouse", "tpch", "orders"));
            assertThat(asked(session, "with recursive orders as (select * from orders union all select * from orders) select * from orders"))
                    .containsExactly(table("pondhouse", "tpch", "orders"));
            assertThat(asked(session, "with orders as (select 1) select * from main.orders")).containsExactly(table("pondhouse", "main", "orders"));
            assertThat(asked(session, "select * from (with orders as (select 1) select * from orders) s, orders"))
                    .containsExactly(table("pondhouse", "tpch", "orders"));
            assertThat(asked(session, "with orders as (select 1) select (select count(*) from orders), (with x as (select 1) select 1 from x)")).isEmpty();
        }
    }

    private List<QualifiedTable> asked(Connection session, String sql) throws Exception {
        LakeUser user = LakeUser.admin(session);
        guard.check(session, sql, user);
        return user.asked();
    }

    private static QualifiedTable table(String catalog, String schema, String table) {
        return new QualifiedTable(catalog, schema, table);
    }

    private static void execute(Connection session, String sql) throws SQLException {
        try (Statement statement = session.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String text(Connection session, String sql) throws SQLException {
        try (Statement statement = session.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }
}
