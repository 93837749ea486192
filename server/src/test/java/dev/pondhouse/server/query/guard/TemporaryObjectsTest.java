package dev.pondhouse.server.query.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Temporary views and tables of a session: created from checked queries, used, dropped. */
class TemporaryObjectsTest extends GuardDatabaseTest {
    @Test
    void createsUsesAndDropsATemporaryView() throws Exception {
        try (Connection session = database.newSession()) {
            LakeUser user = LakeUser.restricted(session);

            GuardDecision.Allowed create = run(session, user, "create temp view v as select n_name from nation where n_regionkey = 1");
            assertThat(create.kind()).isEqualTo(StatementKind.CREATE_TEMPORARY_VIEW);
            assertThat(create.sqlToRun()).startsWith("CREATE TEMPORARY VIEW temp.main.\"v\" AS ");
            assertThat(create.tablesRead()).containsExactly(new QualifiedTable("pondhouse", "tpch", "nation"));
            assertThat(user.isTemporaryObject("V")).isTrue();

            GuardDecision.Allowed select = run(session, user, "select count(*) from v");
            assertThat(select.tablesRead()).isEmpty();
            assertThat(count(session, select.sqlToRun())).isEqualTo(5);

            GuardDecision.Allowed drop = run(session, user, "drop view v");
            assertThat(drop.kind()).isEqualTo(StatementKind.DROP_TEMPORARY);
            assertThat(drop.sqlToRun()).isEqualTo("DROP VIEW temp.main.\"v\"");
            assertThat(user.isTemporaryObject("v")).isFalse();
        }
    }

    /**
     * DuckDB binds a view's names again at every use, with the session's current schema at that
     * moment: a view body stored as written would read {@code pondhouse.secret.nation} after
     * {@code USE pondhouse.secret}. The guard stores it fully qualified.
     */
    @Test
    void temporaryViewKeepsReadingWhatWasCheckedAfterTheSchemaChanges() throws Exception {
        try (Connection session = database.newSession(); Statement statement = session.createStatement()) {
            LakeUser user = LakeUser.restricted(session);
            GuardDecision.Allowed create = run(session, user, "create temp view names as select n_name from nation");
            assertThat(create.sqlToRun()).contains("pondhouse").contains("tpch");
            statement.execute("CREATE TEMP VIEW names_as_written AS SELECT n_name FROM nation");

            statement.execute("USE pondhouse.secret");

            assertThat(firstName(session, "SELECT min(n_name) FROM names")).isEqualTo("ALGERIA");
            assertThat(firstName(session, "SELECT min(n_name) FROM names_as_written")).as("DuckDB's late binding").isEqualTo("SECRET");
        }
    }

    @Test
    void temporaryViewMayShadowALakeTableForItsSessionOnly() throws Exception {
        try (Connection session = database.newSession(); Connection other = database.newSession()) {
            LakeUser user = LakeUser.restricted(session);
            run(session, user, "create or replace temp view orders as select * from nation");

            GuardDecision.Allowed select = run(session, user, "select count(*) from orders");
            assertThat(select.tablesRead()).isEmpty();
            assertThat(count(session, select.sqlToRun())).isEqualTo(25);
            assertThat(guard.check(other, "select count(*) from orders", LakeUser.restricted(other)))
                    .isEqualTo(GuardDecision.Denied.notPermitted("table orders does not exist or you may not read it"));
        }
    }

    @Test
    void createsFillsAndDropsATemporaryTable() throws Exception {
        try (Connection session = database.newSession()) {
            LakeUser user = LakeUser.restricted(session);
            GuardDecision.Allowed create = run(session, user, "CREATE OR REPLACE TEMPORARY TABLE regions AS SELECT * FROM region");
            assertThat(create.kind()).isEqualTo(StatementKind.CREATE_TEMPORARY_TABLE);
            assertThat(create.sqlToRun()).isEqualTo("CREATE OR REPLACE TEMPORARY TABLE temp.main.\"regions\" AS SELECT * FROM region");

            assertThat(count(session, run(session, user, "select count(*) from temp.regions").sqlToRun())).isEqualTo(5);
            assertThat(run(session, user, "drop table if exists temp.main.regions; ").sqlToRun())
                    .isEqualTo("DROP TABLE IF EXISTS temp.main.\"regions\"");
            assertThat(user.isTemporaryObject("regions")).isFalse();
        }
    }

    @Test
    void quotedNamesLeadingCommentsAndMissingObjects() throws Exception {
        try (Connection session = database.newSession()) {
            LakeUser user = LakeUser.restricted(session);
            GuardDecision.Allowed create = run(session, user, "-- a view with an odd name\n/* really */ create temp view \"my \"\"odd\"\" view\" as select 1 as one");
            assertThat(create.sqlToRun()).startsWith("CREATE TEMPORARY VIEW temp.main.\"my \"\"odd\"\" view\" AS ");
            assertThat(count(session, run(session, user, "select one from \"my \"\"odd\"\" view\"").sqlToRun())).isEqualTo(1);
            run(session, user, "create temp view if not exists second as select * from \"my \"\"odd\"\" view\"");
            assertThat(count(session, run(session, user, "select * from second").sqlToRun())).isEqualTo(1);

            assertThat(run(session, user, "drop view if exists never_made").sqlToRun()).isEqualTo("DROP VIEW IF EXISTS temp.main.\"never_made\"");
            assertThat(guard.check(session, "drop view never_made", user))
                    .isEqualTo(GuardDecision.Denied.notPermitted("only temporary views and tables of this session can be dropped: never_made is not one"));
        }
    }

    @Test
    void bodyWithASyntaxErrorGetsDuckDbsMessage() throws Exception {
        try (Connection session = database.newSession()) {
            GuardDecision decision = guard.check(session, "create temp view v as selec 1", LakeUser.restricted(session));
            assertThat(decision).isEqualTo(GuardDecision.Denied.syntaxError("Parser Error: syntax error at or near \"selec\""));
        }
    }

    private GuardDecision.Allowed run(Connection session, LakeUser user, String sql) throws Exception {
        GuardDecision decision = guard.check(session, sql, user);
        assertThat(decision).as(sql).isInstanceOf(GuardDecision.Allowed.class);
        GuardDecision.Allowed allowed = (GuardDecision.Allowed) decision;
        try (Statement statement = session.createStatement()) {
            statement.execute(allowed.sqlToRun());
        }
        return allowed;
    }

    /** The single number {@code sql} returns. */
    private static long count(Connection session, String sql) throws Exception {
        try (Statement statement = session.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).isTrue();
            long value = result.getLong(1);
            assertThat(result.next()).isFalse();
            return value;
        }
    }

    private static String firstName(Connection session, String sql) throws Exception {
        try (Statement statement = session.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }
}
