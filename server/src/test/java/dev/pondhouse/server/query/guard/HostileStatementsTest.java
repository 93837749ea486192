package dev.pondhouse.server.query.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.query.guard.StatementCorpus.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every statement of {@code hostile-statements.txt} is refused, for the restricted user and (unless
 * the entry says otherwise) for the admin-like user, the refusal names nothing the user did not
 * write, and checking it changed nothing: no file in the target folder, the same catalog, settings,
 * secrets and extensions as before.
 */
class HostileStatementsTest extends GuardDatabaseTest {
    private static final StatementCorpus CORPUS = StatementCorpus.load("hostile-statements.txt", 3);

    @TempDir
    Path targets;

    static Stream<Arguments> refusedForRestrictedUser() {
        return CORPUS.entries().stream().map(Arguments::of);
    }

    static Stream<Arguments> refusedForAdminUser() {
        return CORPUS.entries().stream().filter(entry -> entry.who().equals("everyone")).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedForRestrictedUser")
    void refusesForRestrictedUser(Entry entry) throws Exception {
        assertRefused(entry, LakeUser::restricted);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedForAdminUser")
    void refusesForAdminUser(Entry entry) throws Exception {
        assertRefused(entry, LakeUser::admin);
    }

    @Test
    void corpusCoversEveryCategoryWithEnoughStatements() {
        assertThat(CORPUS.entries()).hasSizeGreaterThanOrEqualTo(60);
        assertThat(CORPUS.entries()).extracting(Entry::category).contains(
                "files", "writes", "engine", "dynamic-sql", "system", "multiple", "hidden", "cte-scope",
                "temp-objects", "parameters", "lake-not-granted");
    }

    /** The checks above would notice a statement that ran: here one does, without the guard. */
    @Test
    void aWriteThatRunsIsNoticed() throws Exception {
        try (Connection session = database.newSession()) {
            String before = GuardDatabase.fingerprint(session);
            try (Statement statement = session.createStatement()) {
                statement.execute("COPY (SELECT 1) TO '" + targets.resolve("control.csv") + "'");
                statement.execute("SET memory_limit = '3GB'");
            }
            try (Stream<Path> files = Files.list(targets)) {
                assertThat(files).isNotEmpty();
            }
            assertThat(GuardDatabase.fingerprint(session)).isNotEqualTo(before);
            try (Statement statement = session.createStatement()) {
                statement.execute("RESET memory_limit");
            }
        }
    }

    private void assertRefused(Entry entry, Function<Connection, LakeUser> user) throws Exception {
        String sql = entry.sql().replace("${dir}", targets.toString());
        try (Connection session = database.newSession()) {
            String before = GuardDatabase.fingerprint(session);

            GuardDecision decision = guard.check(session, sql, user.apply(session));

            assertThat(decision).as(sql).isInstanceOf(GuardDecision.Denied.class);
            GuardDecision.Denied denied = (GuardDecision.Denied) decision;
            assertThat(denied.userSyntaxError()).as("refused as a syntax error, so never judged: %s", denied.message()).isFalse();
            for (String hidden : GuardDatabase.HIDDEN_NAMES) {
                if (!sql.toLowerCase(Locale.ROOT).contains(hidden)) {
                    assertThat(denied.message().toLowerCase(Locale.ROOT)).as("message of %s", sql).doesNotContain(hidden);
                }
            }
            try (Stream<Path> files = Files.list(targets)) {
                assertThat(files).as("files written by %s", sql).isEmpty();
            }
            assertThat(GuardDatabase.fingerprint(session)).as("state after %s", sql).isEqualTo(before);
        }
    }
}
