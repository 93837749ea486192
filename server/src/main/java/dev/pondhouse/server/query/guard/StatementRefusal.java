package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

/**
 * Thrown inside the guard's tree walk to stop at the first thing it refuses; {@link StatementGuard}
 * turns it into a {@link GuardDecision.Denied}. Never leaves the package.
 */
final class StatementRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean syntaxError;

    StatementRefusal(String message) {
        this(message, false);
    }

    private StatementRefusal(String message, boolean syntaxError) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.syntaxError = syntaxError;
    }

    /** DuckDB could not parse the statement; {@code message} is DuckDB's. */
    static StatementRefusal syntaxError(String message) {
        return new StatementRefusal(message, true);
    }

    boolean isSyntaxError() {
        return syntaxError;
    }

    static StatementRefusal tableNotReadable(String nameAsWritten) {
        return new StatementRefusal("table " + nameAsWritten + " does not exist or you may not read it");
    }
}
