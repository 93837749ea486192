package dev.pondhouse.server.admin;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the server is ready to serve: the engine started, the lake was read at least once, and it
 * is not shutting down. Set by the server as it starts and stops; read by {@code GET /ready}.
 *
 * <p>Thread-safe: the flags are volatile.
 */
public final class Readiness {
    private volatile boolean engineStarted;
    private volatile boolean lakeRefreshed;
    private volatile boolean stopping;

    public void engineStarted() {
        engineStarted = true;
    }

    public void lakeRefreshed() {
        lakeRefreshed = true;
    }

    public void stopping() {
        stopping = true;
    }

    public boolean ready() {
        return engineStarted && lakeRefreshed && !stopping;
    }

    /** Each condition by name, in the order they become true. */
    public Map<String, Boolean> checks() {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("engineStarted", engineStarted);
        checks.put("lakeRefreshed", lakeRefreshed);
        checks.put("notStopping", !stopping);
        return checks;
    }
}
