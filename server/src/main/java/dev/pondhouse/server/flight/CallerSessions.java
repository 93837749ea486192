package dev.pondhouse.server.flight;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.query.QuerySession;
import dev.pondhouse.server.query.SessionRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.CallContext;

/**
 * Finds the session of a call, opening it on first use: the one named by the client's session
 * cookie, else one per login for a client without cookies, else a new one; and sends its cookie back.
 *
 * <p>Thread-safe: holds no state of its own; the registry is thread-safe.
 */
final class CallerSessions {
    private final SessionRegistry sessions;

    CallerSessions(SessionRegistry sessions) {
        this.sessions = requireNonNull(sessions, "sessions is null");
    }

    /** The session of the logged-in caller; fails as unauthenticated for a call without a user. */
    QuerySession of(CallContext context) {
        String user = context.peerIdentity();
        if (user == null || user.isEmpty()) {
            throw CallStatus.UNAUTHENTICATED.withDescription("log in first").toRuntimeException();
        }
        SessionMiddleware middleware = context.getMiddleware(SessionMiddleware.KEY);
        String id = middleware.cookieSession()
                .or(() -> middleware.bearerToken().map(CallerSessions::sessionForToken))
                .orElseGet(sessions::newSessionId);
        QuerySession session = sessions.open(id, user, middleware.clientAddress());
        middleware.sendSession(id);
        return session;
    }

    /** A client without cookies gets one session per login, named by a digest of its token. */
    private static String sessionForToken(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("session:" + token).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 18);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
