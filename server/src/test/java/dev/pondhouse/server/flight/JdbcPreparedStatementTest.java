package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.testing.TestServer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Prepared statements with bound parameters through the Flight SQL JDBC driver: each answer is
 * compared with the same query written with literals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcPreparedStatementTest {
    private static final long LINEITEM_ROWS = 60_175;

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
    void bindsInteger() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM lineitem WHERE l_linenumber = ?")) {
            statement.setInt(1, 3);
            long count = singleLong(statement);
            assertThat(count).isPositive().isEqualTo(literalCount("SELECT count(*) FROM lineitem WHERE l_linenumber = 3"));
        }
    }

    @Test
    void bindsLong() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM lineitem WHERE l_orderkey = ?")) {
            statement.setLong(1, 1L);
            assertThat(singleLong(statement)).isEqualTo(6).isEqualTo(literalCount("SELECT count(*) FROM lineitem WHERE l_orderkey = 1"));
        }
    }

    @Test
    void bindsDecimalWithTheColumnsScale() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM lineitem WHERE l_quantity = ?")) {
            ParameterMetaData parameters = statement.getParameterMetaData();
            assertThat(parameters.getParameterCount()).isEqualTo(1);
            assertThat(parameters.getParameterType(1)).isEqualTo(Types.DECIMAL);
            statement.setBigDecimal(1, new BigDecimal("17.00"));
            assertThat(singleLong(statement)).isPositive()
                    .isEqualTo(literalCount("SELECT count(*) FROM lineitem WHERE l_quantity = 17.00"));
        }
    }

    @Test
    void bindsDate() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM lineitem WHERE l_shipdate = ?")) {
            statement.setDate(1, Date.valueOf("1995-03-15"));
            assertThat(singleLong(statement)).isPositive()
                    .isEqualTo(literalCount("SELECT count(*) FROM lineitem WHERE l_shipdate = DATE '1995-03-15'"));
        }
    }

    /**
     * The driver carries a {@link Timestamp} parameter as epoch milliseconds (Avatica's typed
     * value), so sub-millisecond digits do not travel; millisecond values compare exactly.
     */
    @Test
    void bindsTimestamp() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*) FROM orders WHERE CAST(o_orderdate AS TIMESTAMP) < ?")) {
            statement.setTimestamp(1, Timestamp.valueOf("1995-01-01 12:00:00"));
            assertThat(singleLong(statement)).isPositive().isEqualTo(
                    literalCount("SELECT count(*) FROM orders WHERE CAST(o_orderdate AS TIMESTAMP) < TIMESTAMP '1995-01-01 12:00:00'"));
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT CAST(? AS TIMESTAMP) = TIMESTAMP '2020-01-02 03:04:05.123'")) {
            statement.setTimestamp(1, Timestamp.valueOf("2020-01-02 03:04:05.123"));
            try (ResultSet result = statement.executeQuery()) {
                assertThat(result.next()).isTrue();
                assertThat(result.getBoolean(1)).isTrue();
            }
        }
    }

    @Test
    void bindsString() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM lineitem WHERE l_shipmode = ?")) {
            statement.setString(1, "AIR");
            assertThat(singleLong(statement)).isPositive()
                    .isEqualTo(literalCount("SELECT count(*) FROM lineitem WHERE l_shipmode = 'AIR'"));
        }
    }

    @Test
    void bindsStringThatLooksLikeSqlAsPlainText() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM lineitem WHERE l_comment = ?")) {
            statement.setString(1, "'; DROP VIEW lineitem; --");
            assertThat(singleLong(statement)).isZero();
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT ? AS echoed")) {
            statement.setString(1, "x' OR '1'='1");
            try (ResultSet result = statement.executeQuery()) {
                assertThat(result.next()).isTrue();
                assertThat(result.getString(1)).isEqualTo("x' OR '1'='1");
            }
        }
        assertThat(literalCount("SELECT count(*) FROM lineitem")).isEqualTo(LINEITEM_ROWS);
    }

    @Test
    void reExecutesWithDifferentValues() throws SQLException {
        long total = 0;
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM lineitem WHERE l_linenumber = ?")) {
            for (int lineNumber = 1; lineNumber <= 7; lineNumber++) {
                statement.setInt(1, lineNumber);
                long count = singleLong(statement);
                assertThat(count).as("line number %d", lineNumber)
                        .isEqualTo(literalCount("SELECT count(*) FROM lineitem WHERE l_linenumber = " + lineNumber));
                total += count;
            }
        }
        assertThat(total).isEqualTo(LINEITEM_ROWS);
    }

    @Test
    void bindsSeveralParametersOfDifferentTypes() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT count(*) FROM lineitem
                WHERE l_quantity >= ? AND l_shipdate >= ? AND l_linenumber <= ? AND l_orderkey > ? AND l_shipmode = ?""")) {
            statement.setBigDecimal(1, new BigDecimal("10.00"));
            statement.setDate(2, Date.valueOf("1995-01-01"));
            statement.setInt(3, 4);
            statement.setLong(4, 1_000L);
            statement.setString(5, "MAIL");
            assertThat(singleLong(statement)).isPositive().isEqualTo(literalCount("""
                    SELECT count(*) FROM lineitem
                    WHERE l_quantity >= 10.00 AND l_shipdate >= DATE '1995-01-01' AND l_linenumber <= 4
                      AND l_orderkey > 1000 AND l_shipmode = 'MAIL'"""));
        }
    }

    @Test
    void runsPreparedTemporaryTableStatementsWithParameters() throws SQLException {
        try (Connection own = TestServer.shared().connect()) {
            try (PreparedStatement create = own.prepareStatement("CREATE TEMP TABLE prepared_notes AS "
                    + "SELECT l_linenumber AS id, l_shipmode AS note, l_quantity AS amount, l_shipdate AS day "
                    + "FROM lineitem WHERE l_orderkey = ? AND l_shipmode <> ?")) {
                create.setLong(1, 1L);
                create.setString(2, "it's no mode");
                create.executeUpdate();
            }
            try (Statement statement = own.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*), sum(amount) FROM prepared_notes")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getLong(1)).isEqualTo(6);
                assertThat(result.getBigDecimal(2)).isEqualByComparingTo(
                        literalDecimal("SELECT sum(l_quantity) FROM lineitem WHERE l_orderkey = 1"));
            }
            // Changing rows is not something SQL may do here, not even in the session's own table.
            assertThatThrownBy(() -> own.prepareStatement("UPDATE prepared_notes SET note = ? WHERE id <= ?"))
                    .hasStackTraceContaining("only single queries are allowed");
            try (PreparedStatement after = own.prepareStatement("SELECT count(*) FROM prepared_notes")) {
                assertThat(singleLong(after)).isEqualTo(6);
            }
        }
    }

    private long literalCount(String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).isTrue();
            return result.getLong(1);
        }
    }

    private BigDecimal literalDecimal(String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).isTrue();
            return result.getBigDecimal(1);
        }
    }

    private static long singleLong(PreparedStatement statement) throws SQLException {
        try (ResultSet result = statement.executeQuery()) {
            assertThat(result.next()).isTrue();
            long value = result.getLong(1);
            assertThat(result.next()).isFalse();
            return value;
        }
    }
}
