package dev.pondhouse.server.audit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One audit record: something a user did or tried to do.
 *
 * @param time when it ended (for a query: when its last row was sent or it failed)
 * @param kind what happened
 * @param user the user name as given (for a failed login: the name that was tried)
 * @param clientAddress the client's network address, when known
 * @param statement the SQL text, when the event is about a statement
 * @param tables the tables the statement read, as the user named them after resolution
 * @param rows rows returned (queries) or changed (updates)
 * @param bytes bytes of Arrow data returned
 * @param duration how long it took
 * @param outcome how it ended
 * @param detail the reason of a failure or denial, as the user saw it; or a job's name
 */
public record AuditEvent(
        Instant time,
        Kind kind,
        String user,
        Optional<String> clientAddress,
        Optional<String> statement,
        List<String> tables,
        long rows,
        long bytes,
        Duration duration,
        Outcome outcome,
        Optional<String> detail) {

    public AuditEvent {
        requireNonNull(time, "time is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(user, "user is null");
        requireNonNull(clientAddress, "clientAddress is null");
        requireNonNull(statement, "statement is null");
        tables = List.copyOf(tables);
        requireNonNull(duration, "duration is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(detail, "detail is null");
    }

    /** A login, successful or not. */
    public static AuditEvent login(Instant time, String user, Optional<String> clientAddress, Outcome outcome,
            Optional<String> detail) {
        return new AuditEvent(time, Kind.LOGIN, user, clientAddress, Optional.empty(), List.of(), 0, 0, Duration.ZERO,
                outcome, detail);
    }

    /** What happened. */
    public enum Kind {
        LOGIN, QUERY, UPDATE, DENIED, JOB
    }

    /** How it ended. */
    public enum Outcome {
        SUCCESS, FAILURE, DENIED, THROTTLED, CANCELLED
    }
}
