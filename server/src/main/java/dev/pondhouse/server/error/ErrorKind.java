package dev.pondhouse.server.error;

/**
 * The categories every error a client can see falls into. Mapped to a Flight status (and later an
 * HTTP status) in exactly one place: {@code dev.pondhouse.server.flight.FlightErrors}.
 */
public enum ErrorKind {
    /** The request is malformed or the SQL is wrong; the message tells the user what to fix. */
    USER_ERROR,
    /** Authenticated, but not allowed to do this. */
    PERMISSION_DENIED,
    /** Credentials missing or invalid. */
    UNAUTHENTICATED,
    /** The named thing (session, statement, ticket, table) does not exist (any more). */
    NOT_FOUND,
    /** Conflicts with the current state, e.g. a transaction already open. */
    CONFLICT,
    /** A limit was reached: memory, concurrent queries, sessions. Retry later or ask for less. */
    RESOURCE_EXHAUSTED,
    /** The operation was cancelled by the client or by a time limit. */
    CANCELLED,
    /** A time limit ran out. */
    TIMED_OUT,
    /** A dependency is down or the server is shutting down; retry later. */
    UNAVAILABLE,
    /** Not supported by this server. */
    UNSUPPORTED,
    /** A bug or an unexpected failure; details are logged with an id, not sent to the client. */
    INTERNAL
}
