package dev.pondhouse.server.query.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.query.guard.StatementCorpus.Entry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every statement of {@code allowed-statements.txt} is allowed as a query, reports exactly the
 * tables it reads, and its {@code sqlToRun} runs on the database.
 */
class AllowedStatementsTest extends GuardDatabaseTest {
    private static final StatementCorpus CORPUS = StatementCorpus.load("allowed-statements.txt", 4);

    static Stream<Arguments> allowed() {
        return CORPUS.entries().stream().map(Arguments::of);
    }

    @Test
    void corpusHasEnoughStatements() {
        assertThat(CORPUS.entries()).hasSizeGreaterThanOrEqualTo(25);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowed")
    void allowsAndRuns(Entry entry) throws Exception {
        try (Connection session = database.newSession()) {
            LakeUser user = entry.who().equals("admin") ? LakeUser.admin(session) : LakeUser.restricted(session);

            GuardDecision decision = guard.check(session, entry.sql(), user);

            assertThat(decision).as(entry.sql()).isInstanceOf(GuardDecision.Allowed.class);
            GuardDecision.Allowed allowed = (GuardDecision.Allowed) decision;
            assertThat(allowed.kind()).isEqualTo(StatementKind.QUERY);
            assertThat(allowed.tablesRead()).extracting(table -> table.toString().toLowerCase(Locale.ROOT))
                    .containsExactlyInAnyOrderElementsOf(entry.reads());
            if (entry.category().equals("redirected")) {
                assertThat(allowed.sqlToRun()).as("rewritten").isNotEqualTo(entry.sql()).contains("meta");
            } else {
                assertThat(allowed.sqlToRun()).as("kept as written").isEqualTo(entry.sql());
            }
            assertThat(rowCount(session, allowed.sqlToRun())).isGreaterThanOrEqualTo(0);
        }
    }

    /** Runs {@code sql}, every parameter bound to 1, and counts its rows. */
    static long rowCount(Connection session, String sql) throws Exception {
        try (PreparedStatement statement = session.prepareStatement(sql)) {
            for (int parameter = 1; parameter <= statement.getParameterMetaData().getParameterCount(); parameter++) {
                statement.setInt(parameter, 1);
            }
            long rows = 0;
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows++;
                }
            }
            return rows;
        }
    }
}
