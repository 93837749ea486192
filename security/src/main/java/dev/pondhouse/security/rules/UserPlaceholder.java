package dev.pondhouse.security.rules;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The one placeholder of rule expressions: {@value #PLACEHOLDER} stands for the current user's name as a
 * complete SQL string literal, quotes included and inner quotes doubled ({@code o'brien} becomes
 * {@code 'o''brien'}). Any other {@code ${...}} is an error, and so is {@code '${user}'} in quotes, which
 * would expand to a broken literal. Expressions are scanned as plain text: a {@code ${} inside a SQL
 * string literal counts too.
 */
final class UserPlaceholder {
    static final String PLACEHOLDER = "${user}";

    private UserPlaceholder() {}

    /** What is wrong with the placeholders of {@code expression}, if anything. */
    static Optional<String> problem(String expression) {
        requireNonNull(expression, "expression is null");
        for (int start = expression.indexOf("${"); start >= 0; start = expression.indexOf("${", start + 2)) {
            int end = expression.indexOf('}', start);
            if (end < 0) {
                return Optional.of("'${' is not closed; the only placeholder is " + PLACEHOLDER);
            }
            String placeholder = expression.substring(start, end + 1);
            if (!placeholder.equals(PLACEHOLDER)) {
                return Optional.of("unknown placeholder '" + placeholder + "'; the only placeholder is " + PLACEHOLDER);
            }
            if (start > 0 && expression.charAt(start - 1) == '\''
                    && end + 1 < expression.length() && expression.charAt(end + 1) == '\'') {
                return Optional.of("write " + PLACEHOLDER + " without quotes around it; it becomes a quoted "
                        + "SQL string itself");
            }
        }
        return Optional.empty();
    }

    /** {@code expression} with every {@value #PLACEHOLDER} replaced by {@code user} as an SQL string literal. */
    static String expand(String expression, String user) {
        requireNonNull(user, "user is null");
        return expression.replace(PLACEHOLDER, literal(user));
    }

    /** {@code value} as a single-quoted SQL string literal. */
    static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }
}
