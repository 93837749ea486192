package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/** The guard's answer for one statement: run {@link Allowed#sqlToRun()}, or refuse with {@link Denied#message()}. */
public sealed interface GuardDecision permits GuardDecision.Allowed, GuardDecision.Denied {

    /**
     * The statement may run, as {@code sqlToRun}.
     *
     * @param sqlToRun what to execute: the client's text when nothing was rewritten, otherwise a
     *     statement the guard built or rewrote (always exactly one statement, already checked)
     * @param tablesRead the tables and views the statement reads, by the names the user-facing
     *     resolution gave them (before any {@link TableAccess.ReadThrough} redirection), for audit;
     *     temporary objects and CTEs are not listed
     * @param kind what the statement does
     */
    record Allowed(String sqlToRun, Set<QualifiedTable> tablesRead, StatementKind kind) implements GuardDecision {
        public Allowed {
            requireNonNull(sqlToRun, "sqlToRun is null");
            tablesRead = Set.copyOf(requireNonNull(tablesRead, "tablesRead is null"));
            requireNonNull(kind, "kind is null");
            if (sqlToRun.isBlank()) {
                throw new IllegalArgumentException("sqlToRun is blank");
            }
        }
    }

    /**
     * The statement must not run.
     *
     * @param message the gateway's own words, safe to show the user: it never names an object the
     *     user may not read beyond the name the user wrote. For a syntax error it is DuckDB's parser
     *     message ({@code Parser Error: ...}) unchanged.
     * @param userSyntaxError true when DuckDB could not parse the statement (a user error, not a
     *     refusal); false when the gateway refused a statement it understood, or one it could not
     *     judge
     */
    record Denied(String message, boolean userSyntaxError) implements GuardDecision {
        public Denied {
            requireNonNull(message, "message is null");
            if (message.isBlank()) {
                throw new IllegalArgumentException("message is blank");
            }
        }

        static Denied notPermitted(String message) {
            return new Denied(message, false);
        }

        static Denied syntaxError(String message) {
            return new Denied(message, true);
        }
    }
}
