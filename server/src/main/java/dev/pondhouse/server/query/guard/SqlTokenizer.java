package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads the leading tokens of a statement: enough to recognize {@code CREATE TEMP VIEW name AS} and
 * {@code DROP VIEW name}, and to name the statement a client sent. Skips white space, {@code --}
 * line comments and (nested) {@code /* *}{@code /} block comments the way DuckDB's parser does.
 * Not a SQL parser: whatever it cannot read ends the token stream, and the guard then refuses.
 */
final class SqlTokenizer {
    enum Kind {
        /** An unquoted identifier or keyword. */
        WORD,
        /** A double-quoted identifier; {@link Token#value()} is the identifier without quotes. */
        QUOTED_IDENTIFIER,
        /** Any other single character: {@code . ( ; *} and so on. */
        SYMBOL
    }

    /**
     * @param start offset of the token's first character in the statement
     * @param end offset just after the token
     */
    record Token(Kind kind, String value, int start, int end) {
        Token {
            requireNonNull(kind, "kind is null");
            requireNonNull(value, "value is null");
        }

        boolean isKeyword(String keyword) {
            return kind == Kind.WORD && value.equalsIgnoreCase(keyword);
        }

        boolean isSymbol(char symbol) {
            return kind == Kind.SYMBOL && value.equals(String.valueOf(symbol));
        }

        /** An identifier, simple or quoted. */
        boolean isIdentifier() {
            return kind == Kind.WORD || kind == Kind.QUOTED_IDENTIFIER;
        }
    }

    private final String sql;
    private int position;

    SqlTokenizer(String sql) {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** The next token, or empty at the end of the text or at anything this reader does not understand. */
    Optional<Token> next() {
        if (!skipSpaceAndComments()) {
            return Optional.empty();
        }
        int start = position;
        char first = sql.charAt(position);
        if (Character.isLetter(first) || first == '_') {
            while (position < sql.length() && isIdentifierPart(sql.charAt(position))) {
                position++;
            }
            return Optional.of(new Token(Kind.WORD, sql.substring(start, position), start, position));
        }
        if (first == '"') {
            StringBuilder value = new StringBuilder();
            position++;
            while (position < sql.length()) {
                char c = sql.charAt(position++);
                if (c == '"') {
                    if (position < sql.length() && sql.charAt(position) == '"') {
                        value.append('"');
                        position++;
                    } else {
                        return value.isEmpty() ? Optional.empty() : Optional.of(new Token(Kind.QUOTED_IDENTIFIER, value.toString(), start, position));
                    }
                } else {
                    value.append(c);
                }
            }
            return Optional.empty();
        }
        position++;
        return Optional.of(new Token(Kind.SYMBOL, String.valueOf(first), start, position));
    }

    /** The first word of the statement in upper case (e.g. {@code COPY}), if it starts with one. */
    static Optional<String> firstKeyword(String sql) {
        return new SqlTokenizer(sql).next()
                .filter(token -> token.kind() == Kind.WORD)
                .map(token -> token.value().toUpperCase(Locale.ROOT));
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** Moves past white space and comments; false at the end of the text or in an unterminated comment. */
    private boolean skipSpaceAndComments() {
        while (position < sql.length()) {
            char c = sql.charAt(position);
            if (Character.isWhitespace(c)) {
                position++;
            } else if (sql.startsWith("--", position)) {
                int newline = sql.indexOf('\n', position);
                position = newline < 0 ? sql.length() : newline + 1;
            } else if (sql.startsWith("/*", position)) {
                int depth = 0;
                do {
                    if (sql.startsWith("/*", position)) {
                        depth++;
                        position += 2;
                    } else if (sql.startsWith("*/", position)) {
                        depth--;
                        position += 2;
                    } else {
                        position++;
                    }
                } while (depth > 0 && position < sql.length());
                if (depth > 0) {
                    return false;
                }
            } else {
                return true;
            }
        }
        return false;
    }
}
