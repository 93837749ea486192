package dev.pondhouse.security.rules;

import static java.util.Objects.requireNonNull;

/**
 * A SQL expression from the rule file, as written (placeholders not expanded), with the line it starts on,
 * so that the server can point at it when DuckDB rejects it.
 *
 * @param text the expression; not blank
 * @param line 1-based
 */
public record SourceText(String text, int line) {

    public SourceText {
        requireNonNull(text, "text is null");
        if (text.isBlank()) {
            throw new IllegalArgumentException("expression on line " + line + " is blank");
        }
        if (line < 1) {
            throw new IllegalArgumentException("line must be at least 1, was " + line);
        }
    }
}
