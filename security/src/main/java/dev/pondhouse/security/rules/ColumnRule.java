package dev.pondhouse.security.rules;

import static java.util.Objects.requireNonNull;

/**
 * What a rule does to one column: leave it out of the user's view, or show an expression in its place.
 * Columns a rule does not name are shown as they are.
 */
public sealed interface ColumnRule permits ColumnRule.Hidden, ColumnRule.Mask {

    /** The 1-based line of the column's entry in the rule file. */
    int line();

    /** The column is not in the user's view at all (written {@code { hidden: true }}). */
    record Hidden(int line) implements ColumnRule {
        public Hidden {
            requirePositive(line);
        }
    }

    /**
     * The column shows {@code expression} instead of its value (written {@code { mask: "expression" }}).
     * The expression must have the column's type; the server checks that against the catalog.
     *
     * @param expression in an {@link AccessRule}, as written; in a {@link TableGrant}, with {@code ${user}}
     *     expanded
     */
    record Mask(SourceText expression, int line) implements ColumnRule {
        public Mask {
            requireNonNull(expression, "expression is null");
            requirePositive(line);
        }
    }

    private static void requirePositive(int line) {
        if (line < 1) {
            throw new IllegalArgumentException("line must be at least 1, was " + line);
        }
    }
}
