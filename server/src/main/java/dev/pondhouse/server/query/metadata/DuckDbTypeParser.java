package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Recursive-descent parser for DuckDB type text; see {@link DuckDbType#parse(String)}.
 *
 * <pre>
 * type     := base suffix*
 * base     := name [ "(" arguments ")" ]          name may hold spaces, or be "quoted"
 * suffix   := "[" "]" | "[" digits "]"
 * STRUCT / UNION arguments := member ("," member)*   member := identifier type
 * MAP arguments            := type "," type
 * DECIMAL arguments        := digits "," digits
 * ENUM arguments           := 'literal' ("," 'literal')*     with '' for a quote
 * </pre>
 *
 * <p>Not thread-safe; one instance parses one text.
 */
final class DuckDbTypeParser {

    private final String text;
    private int position;

    DuckDbTypeParser(String text) {
        this.text = requireNonNull(text, "text is null");
    }

    DuckDbType parseWhole() {
        DuckDbType type = parseType();
        skipWhitespace();
        if (position != text.length()) {
            throw error("unexpected '" + text.charAt(position) + "'");
        }
        return type;
    }

    private DuckDbType parseType() {
        DuckDbType type = parseBase();
        skipWhitespace();
        while (peek() == '[') {
            position++;
            skipWhitespace();
            if (peek() == ']') {
                position++;
                type = new DuckDbType.ListOf(type);
            } else {
                int size = parseInteger();
                expect(']');
                type = new DuckDbType.ArrayOf(type, size);
            }
            skipWhitespace();
        }
        return type;
    }

    private DuckDbType parseBase() {
        skipWhitespace();
        String name = peek() == '"' ? parseQuotedIdentifier().toUpperCase(Locale.ROOT) : parseName();
        if (name.isEmpty()) {
            throw error("type name expected");
        }
        skipWhitespace();
        if (peek() != '(') {
            return new DuckDbType.Scalar(name);
        }
        position++;
        DuckDbType type = switch (name) {
            case "DECIMAL", "NUMERIC" -> parseDecimalArguments();
            case "ENUM" -> new DuckDbType.Enumeration(parseEnumArguments());
            case "STRUCT", "ROW" -> new DuckDbType.Struct(parseMembers());
            case "UNION" -> new DuckDbType.Union(parseMembers());
            case "MAP" -> parseMapArguments();
            default -> {
                skipToClosingParenthesis();
                yield new DuckDbType.Scalar(name);
            }
        };
        expect(')');
        return type;
    }

    /** Reads a possibly multi-word type name up to a bracket, comma or parenthesis. */
    private String parseName() {
        int start = position;
        while (position < text.length() && "()[],".indexOf(text.charAt(position)) < 0) {
            position++;
        }
        return text.substring(start, position).trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
    }

    private DuckDbType parseDecimalArguments() {
        skipWhitespace();
        int precision = parseInteger();
        skipWhitespace();
        int scale = 0;
        if (peek() == ',') {
            position++;
            skipWhitespace();
            scale = parseInteger();
            skipWhitespace();
        }
        return new DuckDbType.Decimal(precision, scale);
    }

    private int parseEnumArguments() {
        int count = 0;
        skipWhitespace();
        if (peek() == ')') {
            return 0;
        }
        while (true) {
            skipWhitespace();
            parseStringLiteral();
            count++;
            skipWhitespace();
            if (peek() != ',') {
                return count;
            }
            position++;
        }
    }

    private List<DuckDbType.Member> parseMembers() {
        List<DuckDbType.Member> members = new ArrayList<>();
        while (true) {
            skipWhitespace();
            String name = peek() == '"' ? parseQuotedIdentifier() : parseBareIdentifier();
            DuckDbType type = parseType();
            members.add(new DuckDbType.Member(name, type));
            skipWhitespace();
            if (peek() != ',') {
                return members;
            }
            position++;
        }
    }

    private DuckDbType parseMapArguments() {
        DuckDbType key = parseType();
        expect(',');
        DuckDbType value = parseType();
        return new DuckDbType.MapOf(key, value);
    }

    private String parseBareIdentifier() {
        int start = position;
        while (position < text.length() && !Character.isWhitespace(text.charAt(position))) {
            position++;
        }
        if (start == position) {
            throw error("member name expected");
        }
        return text.substring(start, position);
    }

    private String parseQuotedIdentifier() {
        return parseQuoted('"');
    }

    private void parseStringLiteral() {
        parseQuoted('\'');
    }

    /** Reads text between {@code quote} characters, where a doubled quote stands for one. */
    private String parseQuoted(char quote) {
        expect(quote);
        StringBuilder value = new StringBuilder();
        while (true) {
            if (position >= text.length()) {
                throw error("unterminated " + quote + "-quoted text");
            }
            char current = text.charAt(position++);
            if (current == quote) {
                if (peek() != quote) {
                    return value.toString();
                }
                position++;
            }
            value.append(current);
        }
    }

    /** Skips the arguments of a type this parser does not interpret, honouring quotes and nesting. */
    private void skipToClosingParenthesis() {
        int depth = 0;
        while (position < text.length()) {
            char current = text.charAt(position);
            if (current == '\'' || current == '"') {
                parseQuoted(current);
                continue;
            }
            if (current == ')' && depth == 0) {
                return;
            }
            if (current == '(') {
                depth++;
            } else if (current == ')') {
                depth--;
            }
            position++;
        }
        throw error("missing ')'");
    }

    private int parseInteger() {
        int start = position;
        while (position < text.length() && Character.isDigit(text.charAt(position))) {
            position++;
        }
        if (start == position) {
            throw error("number expected");
        }
        try {
            return Integer.parseInt(text.substring(start, position));
        } catch (NumberFormatException exception) {
            throw error("number too large");
        }
    }

    private void expect(char wanted) {
        skipWhitespace();
        if (peek() != wanted) {
            throw error("'" + wanted + "' expected");
        }
        position++;
    }

    private char peek() {
        return position < text.length() ? text.charAt(position) : '\0';
    }

    private void skipWhitespace() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException(
                "Cannot parse DuckDB type '" + text + "' at position " + position + ": " + problem);
    }
}
