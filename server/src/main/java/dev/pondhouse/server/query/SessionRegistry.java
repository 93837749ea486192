package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.config.SessionSection;
import dev.pondhouse.server.engine.QueryEngine;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All open sessions. A session is created on a user's first call after login and lives until the
 * client closes it, it stays idle longer than {@code sessions.idle-timeout}, or the server stops.
 * At most {@code sessions.max} sessions exist at once.
 *
 * <p>Thread-safe: sessions live in a concurrent map; creation is synchronized so the limit holds.
 */
public final class SessionRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

    private final QueryEngine engine;
    private final SessionSection limits;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, QuerySession> sessions = new ConcurrentHashMap<>();

    public SessionRegistry(QueryEngine engine, SessionSection limits) {
        this.engine = requireNonNull(engine, "engine is null");
        this.limits = requireNonNull(limits, "limits is null");
    }

    /** A fresh, unguessable session id. */
    public String newSessionId() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * The session with this id for this user, created when it does not exist yet. A session id
     * that belongs to another user is refused.
     */
    public QuerySession open(String id, String user, Optional<String> clientAddress) {
        QuerySession session = sessions.get(id);
        if (session != null) {
            return checkOwner(session, user);
        }
        synchronized (this) {
            session = sessions.get(id);
            if (session != null) {
                return checkOwner(session, user);
            }
            if (sessions.size() >= limits.max() && !closeLeastRecentlyUsed()) {
                throw new PondhouseException(ErrorKind.RESOURCE_EXHAUSTED, "the server has reached its limit of "
                        + limits.max() + " sessions (sessions.max) and all of them are running statements; "
                        + "try again later");
            }
            DuckDBConnection connection;
            try {
                connection = engine.openSessionConnection();
            } catch (SQLException e) {
                throw new PondhouseException(ErrorKind.INTERNAL, "cannot open a connection for the session", e);
            }
            session = new QuerySession(id, user, clientAddress, connection);
            sessions.put(id, session);
            log.debug("session {} opened for {}", id, user);
            return session;
        }
    }

    /**
     * Makes room for a new session by closing the one idle longest (many clients never say when they
     * are done, e.g. the Flight SQL JDBC driver). Sessions running a statement are kept.
     */
    private boolean closeLeastRecentlyUsed() {
        QuerySession oldest = null;
        for (QuerySession session : sessions.values()) {
            if (!session.busy() && (oldest == null || session.idleFor().compareTo(oldest.idleFor()) > 0)) {
                oldest = session;
            }
        }
        if (oldest == null) {
            return false;
        }
        log.info("session {} of {} closed after {} s idle to make room (sessions.max = {})", oldest.id(), oldest.user(),
                oldest.idleFor().toSeconds(), limits.max());
        close(oldest);
        return true;
    }

    private static QuerySession checkOwner(QuerySession session, String user) {
        if (!session.user().equals(user)) {
            throw new PondhouseException(ErrorKind.PERMISSION_DENIED, "this session belongs to another user");
        }
        return session;
    }

    /** Closes and forgets one session. */
    public void close(QuerySession session) {
        sessions.remove(session.id(), session);
        try {
            session.close();
            log.debug("session {} closed", session.id());
        } catch (SQLException e) {
            log.warn("session {} did not close cleanly: {}", session.id(), e.getMessage(), e);
        }
    }

    /** Closes sessions idle for longer than the configured timeout; returns how many. */
    public int evictIdle() {
        int evicted = 0;
        for (QuerySession session : List.copyOf(sessions.values())) {
            if (!session.busy() && session.idleFor().compareTo(limits.idleTimeout()) > 0) {
                log.info("session {} of {} closed after {} s idle", session.id(), session.user(), session.idleFor().toSeconds());
                close(session);
                evicted++;
            }
        }
        return evicted;
    }

    public int size() {
        return sessions.size();
    }

    /** Closes every session (server shutdown). */
    @Override
    public void close() {
        List<QuerySession> all = new ArrayList<>(sessions.values());
        for (QuerySession session : all) {
            close(session);
        }
    }
}
