package dev.pondhouse.server.config;

import java.time.Duration;

/** Client sessions: one DuckDB connection each. */
public record SessionSection(Integer max, Duration idleTimeout) {
    public SessionSection {
        max = max == null ? 200 : max;
        idleTimeout = idleTimeout == null ? Duration.ofMinutes(30) : idleTimeout;
        if (max < 1) {
            throw new IllegalArgumentException("sessions.max: " + max + " must be at least 1");
        }
        if (idleTimeout.isZero() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("sessions.idle-timeout must be positive");
        }
    }

    static SessionSection defaults() {
        return new SessionSection(null, null);
    }
}
