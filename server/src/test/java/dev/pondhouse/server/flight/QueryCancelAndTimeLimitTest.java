package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.testing.TestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stopping slow queries: the client's {@code Statement.cancel()} and {@code setQueryTimeout}, and
 * the server's {@code query.timeout}. After each, the server and the same connection keep working.
 *
 * <p>What the Flight SQL JDBC driver 18.3.0 can do: {@code executeQuery} holds the statement's
 * monitor until the first batch has arrived, so {@code cancel()} only acts once a result is open
 * (it then cancels the DoGet stream); its query timeout only bounds the wait for the first DoGet
 * batch, never the GetFlightInfo call in which this server executes the statement. And DuckDB's
 * {@code execute()} returns only once its streaming buffer is full, so a slow statement with little
 * output runs entirely inside GetFlightInfo.
 */
class QueryCancelAndTimeLimitTest {
    /** A long result that streams steadily: 50 million rows. */
    private static final String LONG_RESULT = "SELECT range FROM range(50000000)";
    private static final long LONG_RESULT_ROWS = 50_000_000;
    /**
     * Two million rows (enough to fill DuckDB's streaming buffer of about 10 MB, so that
     * {@code execute()} returns at once), then DuckDB scans for half a minute for the last row.
     * Bounded, so that it ends by itself where stopping it fails.
     */
    private static final String FAST_THEN_VERY_SLOW =
            "SELECT range FROM range(8000000000) WHERE range < 2000000 OR range = 7999999999";
    private static final String SLOW_AGGREGATE = "SELECT count(*) FROM range(100000000000) a";

    @Test
    void serverTimeLimitStopsSlowQueryAndNamesTheLimit() throws SQLException {
        TestServer server = TestServer.start(Map.of("query.timeout", "2s"));
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> statement.executeQuery(SLOW_AGGREGATE))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("stopped after 2 s")
                    .hasMessageContaining("query.timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(15));

            assertThat(single(statement, "SELECT 1")).isEqualTo(1);
            try (Connection fresh = server.connect(); Statement freshStatement = fresh.createStatement()) {
                assertThat(single(freshStatement, "SELECT count(*) FROM lineitem")).isEqualTo(60_175);
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void serverTimeLimitStopsQueryThatIsSlowWhileStreaming() throws SQLException {
        TestServer server = TestServer.start(Map.of("query.timeout", "3s"));
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> readAll(statement, FAST_THEN_VERY_SLOW))
                    .hasMessageContaining("query.timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        } finally {
            server.stop();
        }
    }

    /** Cancels while rows are streaming; the rest of the result never arrives and the session is free at once. */
    @Test
    void cancelFromAnotherThreadStopsStreamingResult() throws Exception {
        ExecutorService canceller = Executors.newSingleThreadExecutor();
        try (Connection connection = TestServer.shared().connect()) {
            Cancellation cancellation;
            try (Statement statement = connection.createStatement()) {
                cancellation = readUntilCancelled(statement, LONG_RESULT, 1_000_000, Duration.ZERO, canceller);
            }
            assertThat(cancellation.rows()).isGreaterThanOrEqualTo(1_000_000).isLessThan(LONG_RESULT_ROWS);
            assertThat(cancellation.readingEndedAfterCancel()).isLessThan(Duration.ofSeconds(5));

            long started = System.nanoTime();
            try (Statement next = connection.createStatement()) {
                assertThat(single(next, "SELECT 42")).isEqualTo(42);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        } finally {
            canceller.shutdownNow();
            assertThat(canceller.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void cancelWhileDuckDbComputesReleasesTheSessionPromptly() throws Exception {
        TestServer server = TestServer.start(Map.of("query.queue-timeout", "3s"));
        ExecutorService canceller = Executors.newSingleThreadExecutor();
        try (Connection connection = server.connect()) {
            Cancellation cancellation;
            try (Statement statement = connection.createStatement()) {
                cancellation = readUntilCancelled(statement, FAST_THEN_VERY_SLOW, 0, Duration.ofSeconds(2), canceller);
            }
            assertThat(cancellation.readingEndedAfterCancel()).isLessThan(Duration.ofSeconds(3));
            try (Statement next = connection.createStatement()) {
                assertThat(single(next, "SELECT 42")).isEqualTo(42);
            }
        } finally {
            canceller.shutdownNow();
            server.stop();
        }
    }

    /**
     * Reads {@code sql}; when {@code cancelAtRow} rows are read (0: as soon as {@code executeQuery}
     * returns), another thread waits {@code delay} and cancels the statement.
     *
     * <p>The driver 18.3.0 ends a cancelled result with its (unchecked) FlightRuntimeException
     * "Cancel" (or "CANCELLED: Cancel"), with the SQLException "Statement canceled", or by
     * {@code next()} returning false; all are accepted, any other error fails. Its {@code cancel()}
     * races with the reading thread over the result's buffers and can fail with a reference count
     * error after the cancel went out; that is tolerated, the reading side must still end.
     */
    private static Cancellation readUntilCancelled(Statement statement, String sql, long cancelAtRow, Duration delay,
            ExecutorService canceller) throws Exception {
        CountDownLatch rowsRead = new CountDownLatch(1);
        Future<Long> cancelled = canceller.submit(() -> {
            assertThat(rowsRead.await(60, TimeUnit.SECONDS)).as("%d rows read within 60 s", cancelAtRow).isTrue();
            Thread.sleep(delay.toMillis());
            try {
                statement.cancel();
            } catch (RuntimeException e) {
                // The driver releases the result's buffers in cancel() while the reading thread may be
                // releasing them too; it then reports its own reference count error after cancelling.
                assertThat(e).hasStackTraceContaining("RefCnt has gone negative");
            }
            return System.nanoTime();
        });
        long rows = 0;
        Optional<Exception> failure = Optional.empty();
        try (ResultSet result = statement.executeQuery(sql)) {
            if (cancelAtRow == 0) {
                rowsRead.countDown();
            }
            while (result.next()) {
                rows++;
                if (rows == cancelAtRow) {
                    rowsRead.countDown();
                }
            }
        } catch (SQLException | RuntimeException e) {
            failure = Optional.of(e);
        }
        long readingEnded = System.nanoTime();
        long cancelledAt = cancelled.get(60, TimeUnit.SECONDS);
        failure.ifPresent(error -> assertThat(error).hasMessageMatching("(?s).*(Cancel|Statement canceled).*"));
        return new Cancellation(rows, Duration.ofNanos(readingEnded - cancelledAt));
    }

    @Test
    void statementQueryTimeoutStopsSlowQuery() throws SQLException {
        try (Connection connection = TestServer.shared().connect(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(1);
            long started = System.nanoTime();
            assertThatThrownBy(() -> statement.executeQuery("SELECT sum(range % 7) FROM range(3000000000)"))
                    .isInstanceOf(SQLException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            statement.setQueryTimeout(0);
            assertThat(single(statement, "SELECT 1")).isEqualTo(1);
        }
    }

    private static long readAll(Statement statement, String sql) throws SQLException {
        long rows = 0;
        try (ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows++;
            }
        }
        return rows;
    }

    private static long single(Statement statement, String sql) throws SQLException {
        try (ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).isTrue();
            return result.getLong(1);
        }
    }

    /** How many rows were read, and how long reading went on after {@code cancel()} returned. */
    private record Cancellation(long rows, Duration readingEndedAfterCancel) {
    }
}
