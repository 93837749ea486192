package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

/**
 * A JDBC / Flight SQL search pattern as clients send it in metadata requests: {@code %} matches any
 * sequence of characters, {@code _} exactly one, and a backslash makes the next character literal
 * (so {@code my\_table} matches only {@code my_table}).
 *
 * <p>The pattern is only ever handed to DuckDB as a bound parameter of {@code LIKE ? ESCAPE '\'},
 * never spliced into SQL text, so quotes and SQL in a pattern are just characters to match.
 */
record NamePattern(String pattern) {

    private static final char ESCAPE = '\\';

    NamePattern {
        requireNonNull(pattern, "pattern is null");
    }

    /**
     * The pattern as DuckDB's {@code LIKE ... ESCAPE '\'} accepts it. DuckDB rejects a pattern that
     * ends with a lone escape character; such a trailing backslash can only mean a literal backslash,
     * so it is doubled.
     */
    String likeOperand() {
        int trailingEscapes = 0;
        for (int index = pattern.length() - 1; index >= 0 && pattern.charAt(index) == ESCAPE; index--) {
            trailingEscapes++;
        }
        return trailingEscapes % 2 == 1 ? pattern + ESCAPE : pattern;
    }
}
