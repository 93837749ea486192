package dev.pondhouse.server.query.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** What a user reads when the guard refuses, and parameters across a rewrite. */
class GuardMessagesTest extends GuardDatabaseTest {
    @Test
    void syntaxErrorIsDuckDbsParserMessage() throws Exception {
        assertThat(decide("selec 1")).isEqualTo(GuardDecision.Denied.syntaxError("Parser Error: syntax error at or near \"selec\""));
    }

    @Test
    void unreadableAndUnknownTablesGetTheSameMessageWithTheNameAsWritten() throws Exception {
        assertThat(decide("select * from orders")).isEqualTo(refused("table orders does not exist or you may not read it"));
        assertThat(decide("select * from no_such_table")).isEqualTo(refused("table no_such_table does not exist or you may not read it"));
        assertThat(decide("select * from pondhouse.main.credentials")).isEqualTo(refused("table pondhouse.main.credentials does not exist or you may not read it"));
        assertThat(decide("select * from \"Orders\" o")).isEqualTo(refused("table \"Orders\" does not exist or you may not read it"));
    }

    @Test
    void statementsAndFunctionsAreNamed() throws Exception {
        assertThat(decide("copy (select 1) to 'x.csv'")).isEqualTo(refused("only single queries are allowed: COPY is not permitted"));
        assertThat(decide("with x as (copy (select 1) to 'x.csv') select 1")).isEqualTo(refused("only single queries are allowed: COPY is not permitted"));
        assertThat(decide("with x as (insert into t values (1) returning *) select 1")).isEqualTo(refused("only single queries are allowed: INSERT is not permitted"));
        assertThat(decide("set threads = 1")).isEqualTo(refused("only single queries are allowed: SET is not permitted"));
        assertThat(decide("select 1; select 2")).isEqualTo(refused("only single queries are allowed: send one statement at a time"));
        assertThat(decide("select 1; pragma version")).isEqualTo(refused("only single queries are allowed"));
        assertThat(decide(" -- nothing\n")).isEqualTo(refused("the statement is empty"));
        assertThat(decide("select * from read_csv('x.csv')")).isEqualTo(refused("table function read_csv is not permitted"));
        assertThat(decide("select getenv('HOME')")).isEqualTo(refused("function getenv is not permitted"));
        assertThat(decide("select * from 'x.csv'")).isEqualTo(refused("reading files is not permitted: 'x.csv'"));
        assertThat(decide("describe nation")).isEqualTo(refused("DESCRIBE, SHOW and SUMMARIZE are not permitted"));
        assertThat(decide("create view v as select 1"))
                .isEqualTo(refused("only temporary views and tables can be created: CREATE [OR REPLACE] TEMPORARY VIEW|TABLE name AS SELECT ..."));
    }

    @Test
    void parametersSurviveARewrite() throws Exception {
        try (Connection session = database.newSession()) {
            GuardDecision decision = guard.check(session, "select n_name from nation where n_nationkey = ? and n_regionkey = ?",
                    LakeUser.throughViews(session));

            assertThat(decision).isInstanceOf(GuardDecision.Allowed.class);
            String sqlToRun = ((GuardDecision.Allowed) decision).sqlToRun();
            assertThat(sqlToRun).contains("guarded");
            try (PreparedStatement statement = session.prepareStatement(sqlToRun)) {
                statement.setInt(1, 7);
                statement.setInt(2, 3);
                try (ResultSet result = statement.executeQuery()) {
                    assertThat(result.next()).isTrue();
                    assertThat(result.getString(1)).isEqualTo("GERMANY");
                }
            }
        }
    }

    @Test
    void redirectKeepsTheTableNameForColumnQualifiers() throws Exception {
        try (Connection session = database.newSession()) {
            GuardDecision decision = guard.check(session,
                    "select nation.n_name, r.r_name from nation join region r on nation.n_regionkey = r.r_regionkey where nation.n_nationkey = 7",
                    LakeUser.throughViews(session));

            String sqlToRun = ((GuardDecision.Allowed) decision).sqlToRun();
            try (PreparedStatement statement = session.prepareStatement(sqlToRun); ResultSet result = statement.executeQuery()) {
                assertThat(result.next()).isTrue();
                assertThat(result.getString(1)).isEqualTo("GERMANY");
                assertThat(result.getString(2)).isEqualTo("EUROPE");
            }
        }
    }

    private GuardDecision decide(String sql) throws Exception {
        try (Connection session = database.newSession()) {
            return guard.check(session, sql, LakeUser.restricted(session));
        }
    }

    private static GuardDecision refused(String message) {
        return new GuardDecision.Denied(message, false);
    }
}
