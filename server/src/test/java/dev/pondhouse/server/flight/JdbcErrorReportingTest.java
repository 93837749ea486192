package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.testing.TestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A user's bad SQL comes back as DuckDB's own message, and the connection stays usable. Errors
 * raised while a result streams reach the client as errors, not as a short result.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcErrorReportingTest {
    /** Fails while DuckDB fills its streaming buffer, mostly before the server starts exporting the result. */
    private static final String EARLY_FAILURE =
            "SELECT CASE WHEN range > 500000 THEN error('boom') ELSE range END AS value FROM range(1000000)";
    /** Fails long after the first batches were sent (40 MB of rows come first). */
    private static final String LATE_FAILURE =
            "SELECT CASE WHEN range > 5000000 THEN error('boom') ELSE range END AS value FROM range(10000000)";

    private Connection connection;

    @BeforeAll
    void connect() {
        connection = TestServer.shared().connect();
    }

    @AfterAll
    void disconnect() throws SQLException {
        connection.close();
    }

    @Test
    void syntaxErrorReturnsParserMessage() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("SELEC l_orderkey FROM lineitem"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Parser Error")
                    .hasMessageContaining("syntax error")
                    .hasMessageContaining("SELEC");
        }
        assertConnectionWorks();
    }

    @Test
    void unknownTableIsReportedLikeAnUnreadableOne() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM no_such_table"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("table no_such_table does not exist or you may not read it");
        }
        assertConnectionWorks();
    }

    @Test
    void unknownColumnReturnsBinderErrorNamingIt() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("SELECT no_such_column FROM nation"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Binder Error")
                    .hasMessageContaining("no_such_column");
        }
        assertConnectionWorks();
    }

    @Test
    void preparingBadSqlFailsWithDuckDbMessage() throws SQLException {
        // The driver's message is "while preparing SQL: ..."; DuckDB's is in its cause.
        assertThatThrownBy(() -> connection.prepareStatement("SELECT * FROM nation WHERE").close())
                .isInstanceOf(SQLException.class)
                .hasStackTraceContaining("Parser Error")
                .hasStackTraceContaining("syntax error");
        assertConnectionWorks();
    }

    @Test
    void failureWhileStreamingIsAnErrorNotAShortResult() throws SQLException {
        for (String sql : new String[] {EARLY_FAILURE, LATE_FAILURE}) {
            // The driver raises an error met in ResultSet.next() as its (unchecked) FlightRuntimeException.
            assertThatThrownBy(() -> readAll(sql)).as(sql).isInstanceOfAny(SQLException.class, RuntimeException.class);
            assertConnectionWorks();
        }
    }

    @Test
    void lateFailureWhileStreamingKeepsDuckDbMessage() {
        assertThatThrownBy(() -> readAll(LATE_FAILURE)).hasMessageContaining("boom");
    }

    private long readAll(String sql) throws SQLException {
        long rows = 0;
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows++;
            }
        }
        return rows;
    }

    private void assertConnectionWorks() throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT count(*) FROM region")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getLong(1)).isEqualTo(5);
        }
    }
}
