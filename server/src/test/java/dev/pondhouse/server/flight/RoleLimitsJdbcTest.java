package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code query.role-limits}: a role's timeout and concurrency limit apply to its users only. */
class RoleLimitsJdbcTest {
    // Runs for minutes unless interrupted: a cross join DuckDB cannot shortcut.
    private static final String SLOW = "SELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1";

    @TempDir
    static Path folder;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path config = folder.resolve("pondhouse.yaml");
        Files.writeString(config, """
                query:
                  role-limits:
                    trial:
                      timeout: 2s
                      max-concurrent-per-user: 1
                """);
        server = TestServer.start(Optional.of(config), Map.of(), Map.of("tina", List.of("tina-password", "trial")));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theRoleTimeoutStopsItsUsersStatements() throws Exception {
        try (Connection tina = server.connect("tina", "tina-password"); Statement statement = tina.createStatement()) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> statement.executeQuery(SLOW).next())
                    .hasMessageContaining("query.role-limits.trial.timeout");
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(30);
            try (ResultSet result = statement.executeQuery("SELECT 7")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getInt(1)).isEqualTo(7);
            }
        }
    }

    @Test
    void theRoleConcurrencyLimitRefusesASecondStatementOfTheSameUser() throws Exception {
        try (Connection first = server.connect("tina", "tina-password");
                Connection second = server.connect("tina", "tina-password");
                Connection demo = server.connect()) {
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try (Statement statement = first.createStatement(); ResultSet result = statement.executeQuery(SLOW)) {
                    result.next();
                } catch (SQLException expected) {
                    // Stopped by the role's timeout.
                }
            });
            Thread.sleep(500);
            try (Statement statement = second.createStatement()) {
                assertThatThrownBy(() -> statement.executeQuery("SELECT 1").next())
                        .hasMessageContaining("max-concurrent-per-user");
            }
            try (Statement statement = demo.createStatement(); ResultSet result = statement.executeQuery("SELECT 1")) {
                assertThat(result.next()).as("another user is not limited by tina's role").isTrue();
            }
            running.get(60, TimeUnit.SECONDS);
            try (Statement statement = second.createStatement(); ResultSet result = statement.executeQuery("SELECT 1")) {
                assertThat(result.next()).as("the slot is free again").isTrue();
            }
        }
    }
}
