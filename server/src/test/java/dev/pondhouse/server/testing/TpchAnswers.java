package dev.pondhouse.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The 22 TPC-H queries and their scale factor 0.01 answers as shipped in the {@code io.trino.tpch}
 * jar, and the comparison rule: numbers within half a unit of the answer's last decimal, everything
 * else as text.
 */
public final class TpchAnswers {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.(\\d+))?");

    private TpchAnswers() {}

    public static IntStream queryNumbers() {
        return IntStream.rangeClosed(1, 22);
    }

    /**
     * The statements of query {@code number}: all but the last set something up (q15 creates a
     * view, made TEMP here so it stays in the session), the last returns the answer.
     */
    public static List<String> statements(int number) {
        String sql = resource("io/trino/tpch/queries/q" + number + ".sql").replace("CREATE OR REPLACE VIEW", "CREATE OR REPLACE TEMP VIEW");
        return Arrays.stream(sql.split(";\\s*(\\n|$)")).map(String::strip).filter(part -> !part.isBlank()).toList();
    }

    /** The expected rows, each a list of the answer's text fields. */
    public static List<List<String>> expectedRows(int number) {
        return resource("io/trino/tpch/queries/q" + number + ".result").lines()
                .filter(line -> !line.startsWith("--") && !line.isBlank())
                .map(TpchAnswers::fields)
                .toList();
    }

    /** Reads every row of {@code result} with {@code getObject}. */
    public static List<List<Object>> rows(ResultSet result) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        int columns = result.getMetaData().getColumnCount();
        while (result.next()) {
            List<Object> row = new ArrayList<>(columns);
            for (int column = 1; column <= columns; column++) {
                row.add(result.getObject(column));
            }
            rows.add(row);
        }
        return rows;
    }

    /** Asserts that {@code actual} is the answer of query {@code number}, row by row, in order. */
    public static void assertAnswer(int number, List<List<Object>> actual) {
        List<List<String>> expected = expectedRows(number);
        assertThat(actual).as("rows of q%d", number).hasSize(expected.size());
        for (int row = 0; row < expected.size(); row++) {
            assertThat(actual.get(row)).as("columns of q%d row %d", number, row + 1).hasSize(expected.get(row).size());
            for (int column = 0; column < expected.get(row).size(); column++) {
                assertValue(actual.get(row).get(column), expected.get(row).get(column),
                        "q%d row %d column %d".formatted(number, row + 1, column + 1));
            }
        }
    }

    private static void assertValue(Object actual, String expected, String description) {
        Matcher number = NUMBER.matcher(expected);
        if (number.matches() && actual instanceof Number) {
            int decimals = number.group(1) == null ? 0 : number.group(1).length();
            BigDecimal tolerance = BigDecimal.ONE.movePointLeft(decimals).divide(BigDecimal.valueOf(2));
            BigDecimal difference = new BigDecimal(actual.toString()).subtract(new BigDecimal(expected)).abs();
            assertThat(difference).as("%s: %s vs expected %s", description, actual, expected).isLessThanOrEqualTo(tolerance);
        } else {
            assertThat(String.valueOf(actual)).as(description).isEqualTo(expected);
        }
    }

    private static List<String> fields(String line) {
        String trimmed = line.endsWith("|") ? line.substring(0, line.length() - 1) : line;
        return List.of(trimmed.split("\\|", -1));
    }

    private static String resource(String name) {
        try (InputStream input = TpchAnswers.class.getClassLoader().getResourceAsStream(name)) {
            if (input == null) {
                throw new IllegalStateException(name + " is not on the class path (io.trino.tpch jar missing?)");
            }
            return new String(input.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
