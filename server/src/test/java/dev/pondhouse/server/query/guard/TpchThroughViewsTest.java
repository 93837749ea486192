package dev.pondhouse.server.query.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.testing.TpchAnswers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round-trip fidelity of rewriting: the 22 TPC-H queries at scale factor 0.01, every table read
 * through a view of itself (so every statement is rewritten by {@code json_deserialize_sql}), give
 * the shipped answers; and unrewritten (every table read as it is) they run as the client wrote them.
 */
class TpchThroughViewsTest extends GuardDatabaseTest {
    static IntStream queries() {
        return TpchAnswers.queryNumbers();
    }

    @ParameterizedTest(name = "q{0} through views")
    @MethodSource("queries")
    void rewrittenQueryGivesTheAnswer(int number) throws Exception {
        try (Connection session = database.newSession()) {
            LakeUser user = LakeUser.throughViews(session);
            List<String> statements = TpchAnswers.statements(number);
            try (Statement statement = session.createStatement()) {
                for (String sql : statements) {
                    GuardDecision.Allowed allowed = allowed(guard.check(session, sql, user), sql);
                    assertThat(allowed.sqlToRun()).as("q%d is rewritten", number).isNotEqualTo(sql).contains("guarded");
                    assertThat(allowed.tablesRead()).as("q%d reads lake tables", number).isNotEmpty()
                            .allSatisfy(table -> assertThat(table.schema().toLowerCase(Locale.ROOT)).isEqualTo("tpch"));
                    if (sql == statements.get(statements.size() - 1)) {
                        try (ResultSet result = statement.executeQuery(allowed.sqlToRun())) {
                            TpchAnswers.assertAnswer(number, TpchAnswers.rows(result));
                        }
                    } else {
                        statement.execute(allowed.sqlToRun());
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "q{0} as written")
    @MethodSource("queries")
    void unrewrittenQueryRunsAsWritten(int number) throws Exception {
        try (Connection session = database.newSession()) {
            LakeUser user = LakeUser.admin(session);
            List<String> statements = TpchAnswers.statements(number);
            try (Statement statement = session.createStatement()) {
                for (String sql : statements) {
                    GuardDecision.Allowed allowed = allowed(guard.check(session, sql, user), sql);
                    if (allowed.kind() == StatementKind.QUERY) {
                        assertThat(allowed.sqlToRun()).isEqualTo(sql);
                    }
                    if (sql == statements.get(statements.size() - 1)) {
                        try (ResultSet result = statement.executeQuery(allowed.sqlToRun())) {
                            TpchAnswers.assertAnswer(number, TpchAnswers.rows(result));
                        }
                    } else {
                        statement.execute(allowed.sqlToRun());
                    }
                }
            }
        }
    }

    private static GuardDecision.Allowed allowed(GuardDecision decision, String sql) {
        assertThat(decision).as(sql).isInstanceOf(GuardDecision.Allowed.class);
        return (GuardDecision.Allowed) decision;
    }
}
