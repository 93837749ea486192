package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code USE schema} or {@code USE catalog.schema} statement, recognised before the statement
 * guard (which allows queries only) so that SQL clients can change the session's default schema.
 * Only the plain form is recognised: one or two identifiers, each unquoted or double-quoted, and an
 * optional semicolon; anything else goes to the guard and is denied there.
 *
 * @param first the catalog, or the schema when {@code second} is empty
 * @param second the schema after a catalog
 */
record UseStatement(String first, Optional<String> second) {
    private static final String IDENTIFIER = "([A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\")";
    private static final Pattern USE = Pattern.compile(
            "\\s*USE\\s+" + IDENTIFIER + "(?:\\s*\\.\\s*" + IDENTIFIER + ")?\\s*;?\\s*", Pattern.CASE_INSENSITIVE);

    UseStatement {
        requireNonNull(first, "first is null");
        requireNonNull(second, "second is null");
    }

    static Optional<UseStatement> parse(String sql) {
        Matcher matcher = USE.matcher(sql);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new UseStatement(unquote(matcher.group(1)), Optional.ofNullable(matcher.group(2)).map(UseStatement::unquote)));
    }

    private static String unquote(String identifier) {
        if (identifier.startsWith("\"")) {
            return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
        }
        return identifier;
    }
}
