package dev.pondhouse.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The 22 TPC-H queries as shipped in the {@code io.trino.tpch:tpch} jar
 * ({@code io/trino/tpch/queries/qN.sql}), each turned into one SELECT statement.
 *
 * <p>Query 15 is shipped as {@code CREATE OR REPLACE VIEW revenue AS ...; SELECT ...}. Pondhouse only
 * runs queries, so the view becomes a common table expression: {@code WITH revenue AS (...) SELECT ...}.
 * Both sides of the benchmark run the same rewritten text.
 */
public final class TpchQueries {
    public static final int QUERY_COUNT = 22;

    private static final Pattern VIEW_THEN_SELECT = Pattern.compile(
            "(?is)\\s*CREATE\\s+(?:OR\\s+REPLACE\\s+)?VIEW\\s+(\\w+)\\s+AS\\s+(.+?);\\s*(SELECT\\s.+)");

    /** One query: its number (1 to 22) and a single SELECT statement, without a trailing semicolon. */
    public record TpchQuery(int number, String sql) {
        public TpchQuery {
            if (number < 1 || number > QUERY_COUNT) {
                throw new IllegalArgumentException("TPC-H query number must be 1 to 22, not " + number);
            }
            if (sql.isBlank()) {
                throw new IllegalArgumentException("TPC-H query " + number + " is empty");
            }
        }

        public String label() {
            return String.format("q%02d", number);
        }
    }

    private TpchQueries() {}

    public static List<TpchQuery> load(List<Integer> numbers) {
        List<TpchQuery> queries = new ArrayList<>(numbers.size());
        for (int number : numbers) {
            queries.add(load(number));
        }
        return List.copyOf(queries);
    }

    public static TpchQuery load(int number) {
        String resource = "io/trino/tpch/queries/q" + number + ".sql";
        try (InputStream input = TpchQueries.class.getClassLoader().getResourceAsStream(resource)) {
            if (input == null) {
                throw new IllegalArgumentException("TPC-H query " + number + " not found on the class path at "
                        + resource + "; is io.trino.tpch:tpch on the class path?");
            }
            return new TpchQuery(number, asSingleSelect(withoutComments(new String(input.readAllBytes(), UTF_8))));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }

    /** Turns {@code CREATE VIEW v AS body; SELECT ...} into {@code WITH v AS (body) SELECT ...}. */
    static String asSingleSelect(String script) {
        String trimmed = stripTrailingSemicolon(script.strip());
        Matcher matcher = VIEW_THEN_SELECT.matcher(trimmed);
        if (matcher.matches()) {
            return "WITH " + matcher.group(1) + " AS (\n" + matcher.group(2).strip() + "\n)\n" + matcher.group(3);
        }
        if (trimmed.contains(";")) {
            throw new IllegalArgumentException("Expected one statement, or a view and a select:\n" + script);
        }
        return trimmed;
    }

    private static String withoutComments(String script) {
        StringBuilder result = new StringBuilder(script.length());
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                result.append(line).append('\n');
            }
        }
        return result.toString();
    }

    private static String stripTrailingSemicolon(String statement) {
        return statement.endsWith(";") ? statement.substring(0, statement.length() - 1).strip() : statement;
    }
}
