package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The text DuckDB parsed, addressed the way its syntax tree addresses it: {@code query_location} and
 * {@code query_location_length} are byte offsets into the UTF-8 encoding.
 */
final class SourceText {
    private final byte[] bytes;

    SourceText(String sql) {
        this.bytes = requireNonNull(sql, "sql is null").getBytes(StandardCharsets.UTF_8);
    }

    /** The text at {@code [location, location + length)}, if that range lies inside the source. */
    Optional<String> slice(long location, long length) {
        if (location < 0 || length <= 0 || location >= bytes.length || location + length > bytes.length) {
            return Optional.empty();
        }
        return Optional.of(new String(Arrays.copyOfRange(bytes, (int) location, (int) (location + length)), StandardCharsets.UTF_8));
    }

    /**
     * The table name written at {@code [location, location + length)}, without what DuckDB counts
     * into the range after it (an alias): a dotted name of simple or quoted identifiers, or a string
     * literal.
     */
    Optional<String> nameAt(long location, long length) {
        return slice(location, length).map(text -> {
            if (text.startsWith("'")) {
                int end = 1;
                while (end < text.length()) {
                    if (text.charAt(end) == '\'' && !(end + 1 < text.length() && text.charAt(end + 1) == '\'')) {
                        return text.substring(0, end + 1);
                    }
                    end += text.charAt(end) == '\'' ? 2 : 1;
                }
                return text;
            }
            SqlTokenizer tokens = new SqlTokenizer(text);
            int end = 0;
            Optional<SqlTokenizer.Token> token = tokens.next();
            while (token.isPresent() && token.get().isIdentifier()) {
                end = token.get().end();
                token = tokens.next();
                if (token.isEmpty() || !token.get().isSymbol('.')) {
                    break;
                }
                token = tokens.next();
            }
            return end == 0 ? text : text.substring(0, end).strip();
        });
    }

    /** Whether the byte at {@code location} is a single quote, i.e. a string literal starts there. */
    boolean stringLiteralAt(long location) {
        return location >= 0 && location < bytes.length && bytes[(int) location] == '\'';
    }
}
