package dev.pondhouse.security.rules;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with a rule file.
 *
 * @param line the 1-based line it is on, or 0 when it concerns the whole file (it cannot be read, say)
 * @param message what is wrong and, where it helps, what to write instead; never blank
 */
public record RuleProblem(int line, String message) {

    public RuleProblem {
        requireNonNull(message, "message is null");
        if (line < 0) {
            throw new IllegalArgumentException("line is negative: " + line);
        }
        if (message.isBlank()) {
            throw new IllegalArgumentException("message is blank");
        }
    }

    /** {@code "line 12: message"}, or just the message for the whole file. */
    @Override
    public String toString() {
        return line == 0 ? message : "line " + line + ": " + message;
    }
}
