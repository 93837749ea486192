package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.testing.TestServer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Large results arrive complete, every row and every column, whatever the batch size. */
class LargeResultStreamingTest {
    private static final long LINEITEM_ROWS = 60_175;
    private static final long RANGE_ROWS = 3_000_000;

    @Test
    void streamsEveryColumnOfEveryLineitemRow() throws SQLException {
        try (Connection connection = TestServer.shared().connect()) {
            assertThat(readLineitem(connection)).isEqualTo(expectedLineitem(connection));
        }
    }

    @Test
    void streamsMillionsOfGeneratedRows() throws SQLException {
        try (Connection connection = TestServer.shared().connect(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT range AS i, 'x' || range AS s FROM range(3000000)")) {
            long count = 0;
            long sum = 0;
            Optional<String> firstMismatch = Optional.empty();
            while (result.next()) {
                long value = result.getLong(1);
                String text = result.getString(2);
                if (firstMismatch.isEmpty() && (value != count || !text.equals("x" + value))) {
                    firstMismatch = Optional.of("row " + count + ": i = " + value + ", s = " + text);
                }
                sum += value;
                count++;
            }
            assertThat(firstMismatch).isEmpty();
            assertThat(count).isEqualTo(RANGE_ROWS);
            assertThat(sum).isEqualTo(RANGE_ROWS * (RANGE_ROWS - 1) / 2);
        }
    }

    @Test
    void smallBatchesCarryTheSameResult() throws SQLException {
        LineitemSummary expected;
        try (Connection connection = TestServer.shared().connect()) {
            expected = expectedLineitem(connection);
        }
        TestServer server = TestServer.start(Map.of("query.batch-rows", "1000"));
        try (Connection connection = server.connect()) {
            assertThat(readLineitem(connection)).isEqualTo(expected);
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT range FROM range(250000)")) {
                long count = 0;
                long sum = 0;
                while (result.next()) {
                    sum += result.getLong(1);
                    count++;
                }
                assertThat(count).isEqualTo(250_000);
                assertThat(sum).isEqualTo(250_000L * 249_999L / 2);
            }
        } finally {
            server.stop();
        }
    }

    /** Reads every column of every row of lineitem with {@code getObject}; sums a few to compare. */
    private static LineitemSummary readLineitem(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT * FROM lineitem")) {
            int columns = result.getMetaData().getColumnCount();
            assertThat(columns).isEqualTo(16);
            long rows = 0;
            long nulls = 0;
            long orderKeys = 0;
            BigDecimal quantities = BigDecimal.ZERO;
            long commentCharacters = 0;
            while (result.next()) {
                for (int column = 1; column <= columns; column++) {
                    if (result.getObject(column) == null) {
                        nulls++;
                    }
                }
                orderKeys += result.getLong("l_orderkey");
                quantities = quantities.add(result.getBigDecimal("l_quantity"));
                commentCharacters += result.getString("l_comment").length();
                rows++;
            }
            return new LineitemSummary(rows, nulls, orderKeys, quantities, commentCharacters);
        }
    }

    /** The same figures computed by the server. */
    private static LineitemSummary expectedLineitem(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT count(*), sum(l_orderkey), sum(l_quantity), sum(length(l_comment)) FROM lineitem")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getLong(1)).isEqualTo(LINEITEM_ROWS);
            return new LineitemSummary(result.getLong(1), 0, result.getLong(2), result.getBigDecimal(3), result.getLong(4));
        }
    }

    private record LineitemSummary(long rows, long nulls, long orderKeySum, BigDecimal quantitySum, long commentCharacters) {
        LineitemSummary {
            quantitySum = quantitySum.setScale(2, RoundingMode.UNNECESSARY);
        }
    }
}
