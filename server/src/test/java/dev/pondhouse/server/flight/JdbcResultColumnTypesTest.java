package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.testing.TestServer;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** How result columns of each DuckDB type arrive through the Flight SQL JDBC driver: types, values and NULLs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcResultColumnTypesTest {
    /** One row of values, then one row of NULLs of the same types. */
    private static final String ALL_TYPES = """
            SELECT * FROM (
              SELECT 1 AS row_number,
                CAST(1234.5 AS DECIMAL(15,2)) AS price,
                DATE '1995-03-15' AS day,
                TIMESTAMP '2020-01-02 03:04:05.123456' AS moment,
                TIMESTAMPTZ '2020-01-02 03:04:05+00' AS instant,
                CAST(9007199254740993 AS BIGINT) AS big,
                CAST(42 AS INTEGER) AS small,
                CAST(2.5 AS DOUBLE) AS ratio,
                'pond' AS name,
                true AS flag,
                '\\x01\\x02\\xFF'::BLOB AS payload,
                [1, 2, 3] AS numbers,
                {'depth': 7, 'label': 'deep'} AS pair
              UNION ALL
              SELECT 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
            ) ORDER BY row_number""";

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
    void reportsJdbcTypesOfEveryColumn() throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(ALL_TYPES)) {
            ResultSetMetaData columns = result.getMetaData();
            assertThat(columns.getColumnCount()).isEqualTo(13);
            assertColumn(columns, 2, "price", Types.DECIMAL);
            assertColumn(columns, 3, "day", Types.DATE);
            assertColumn(columns, 4, "moment", Types.TIMESTAMP);
            assertColumn(columns, 5, "instant", Types.TIMESTAMP_WITH_TIMEZONE);
            assertColumn(columns, 6, "big", Types.BIGINT);
            assertColumn(columns, 7, "small", Types.INTEGER);
            assertColumn(columns, 8, "ratio", Types.DOUBLE);
            assertColumn(columns, 9, "name", Types.VARCHAR);
            assertColumn(columns, 10, "flag", Types.BOOLEAN);
            assertColumn(columns, 11, "payload", Types.VARBINARY);
            assertColumn(columns, 12, "numbers", Types.ARRAY);
            assertColumn(columns, 13, "pair", Types.JAVA_OBJECT);
        }
    }

    /**
     * DBeaver formats decimals by {@code getPrecision}/{@code getScale}. The Flight SQL JDBC driver
     * takes both only from the Flight SQL column metadata ({@code ARROW:FLIGHT:SQL:PRECISION},
     * {@code ARROW:FLIGHT:SQL:SCALE}) of the dataset schema announced when preparing.
     */
    @Test
    void reportsPrecisionAndScaleOfDecimals() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT l_quantity, CAST(1 AS DECIMAL(9,4)) AS rate FROM lineitem LIMIT 1")) {
            ResultSetMetaData columns = result.getMetaData();
            assertThat(columns.getColumnType(1)).isEqualTo(Types.DECIMAL);
            assertThat(columns.getPrecision(1)).isEqualTo(15);
            assertThat(columns.getScale(1)).isEqualTo(2);
            assertThat(columns.getPrecision(2)).isEqualTo(9);
            assertThat(columns.getScale(2)).isEqualTo(4);
        }
    }

    @Test
    void readsValuesOfEveryType() throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(ALL_TYPES)) {
            assertThat(result.next()).isTrue();

            assertThat(result.getBigDecimal("price")).isEqualByComparingTo("1234.50");
            assertThat(result.getBigDecimal("price").scale()).isEqualTo(2);
            assertThat(result.getObject("price")).isEqualTo(new BigDecimal("1234.50"));

            assertThat(result.getDate("day")).isEqualTo(Date.valueOf("1995-03-15"));
            assertThat(result.getObject("day", LocalDate.class)).isEqualTo(LocalDate.of(1995, 3, 15));

            assertThat(result.getTimestamp("moment")).isEqualTo(Timestamp.valueOf("2020-01-02 03:04:05.123456"));
            assertThat(result.getObject("moment", LocalDateTime.class))
                    .isEqualTo(LocalDateTime.of(2020, 1, 2, 3, 4, 5, 123_456_000));

            // getObject without a class is not implemented by the driver for TIMESTAMP_WITH_TIMEZONE.
            assertThat(result.getTimestamp("instant").toInstant()).isEqualTo(Instant.parse("2020-01-02T03:04:05Z"));
            assertThat(result.getObject("instant", OffsetDateTime.class).toInstant())
                    .isEqualTo(Instant.parse("2020-01-02T03:04:05Z"));

            assertThat(result.getLong("big")).isEqualTo(9_007_199_254_740_993L);
            assertThat(result.getObject("big")).isEqualTo(9_007_199_254_740_993L);
            assertThat(result.getInt("small")).isEqualTo(42);
            assertThat(result.getObject("small")).isEqualTo(42);
            assertThat(result.getDouble("ratio")).isEqualTo(2.5);
            assertThat(result.getString("name")).isEqualTo("pond");
            assertThat(result.getBoolean("flag")).isTrue();
            assertThat(result.getBytes("payload")).containsExactly(1, 2, 0xFF);

            Object numbers = result.getObject("numbers");
            assertThat(numbers).isNotNull();
            Array array = result.getArray("numbers");
            assertThat((Object[]) array.getArray()).containsExactly(1, 2, 3);

            Object pair = result.getObject("pair");
            assertThat(pair).isInstanceOf(Map.class);
            Map<?, ?> fields = (Map<?, ?>) pair;
            assertThat(fields.get("depth")).isEqualTo(7);
            assertThat(String.valueOf(fields.get("label"))).isEqualTo("deep");

            assertThat(result.next()).isTrue();
            assertThat(result.getInt("row_number")).isEqualTo(2);
            for (String column : new String[] {"price", "day", "moment", "big", "small", "ratio", "name", "flag", "payload",
                    "numbers", "pair"}) {
                assertThat(result.getObject(column)).as(column).isNull();
                assertThat(result.wasNull()).as("wasNull after %s", column).isTrue();
            }
            assertThat(result.getTimestamp("instant")).isNull();
            assertThat(result.wasNull()).isTrue();
            assertThat(result.getBigDecimal("price")).isNull();
            assertThat(result.getDate("day")).isNull();
            assertThat(result.getString("name")).isNull();
            assertThat(result.getLong("big")).isZero();
            assertThat(result.wasNull()).isTrue();

            assertThat(result.next()).isFalse();
        }
    }

    @Test
    void readsLakeColumnsWithTheirTypes() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("""
                        SELECT l_orderkey, l_linenumber, l_quantity, l_extendedprice, l_shipdate, l_shipmode
                        FROM lineitem WHERE l_orderkey = 1 AND l_linenumber = 1""")) {
            ResultSetMetaData columns = result.getMetaData();
            assertThat(columns.getColumnType(1)).isEqualTo(Types.BIGINT);
            assertThat(columns.getColumnType(2)).isEqualTo(Types.INTEGER);
            assertThat(columns.getColumnType(3)).isEqualTo(Types.DECIMAL);
            assertThat(columns.getColumnType(5)).isEqualTo(Types.DATE);
            assertThat(columns.getColumnType(6)).isEqualTo(Types.VARCHAR);
            assertThat(result.next()).isTrue();
            assertThat(result.getLong(1)).isEqualTo(1);
            assertThat(result.getInt(2)).isEqualTo(1);
            assertThat(result.getBigDecimal(3).scale()).isEqualTo(2);
            assertThat(result.getBigDecimal(4).scale()).isEqualTo(2);
            assertThat(result.getObject(5, LocalDate.class)).isNotNull();
            assertThat(result.getString(6)).isNotBlank();
            assertThat(result.next()).isFalse();
        }
    }

    private static void assertColumn(ResultSetMetaData columns, int index, String label, int jdbcType) throws SQLException {
        assertThat(columns.getColumnLabel(index)).isEqualTo(label);
        assertThat(columns.getColumnType(index)).as("JDBC type of %s", label).isEqualTo(jdbcType);
    }
}
