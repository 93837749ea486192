package dev.pondhouse.server.audit;

/**
 * Where audit records go. Implementations are thread-safe and never throw to the caller: an audit
 * record that cannot be written is reported in the server log, and the request goes on.
 */
@FunctionalInterface
public interface AuditLog {
    /** Discards every record; for tests of other components. */
    AuditLog NONE = event -> { };

    void record(AuditEvent event);
}
