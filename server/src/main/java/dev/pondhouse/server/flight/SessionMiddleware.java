package dev.pondhouse.server.flight;

import java.util.Optional;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;
import org.apache.arrow.flight.auth2.Auth2Constants;

/**
 * Carries the session of a call. A client that keeps cookies (the Flight SQL JDBC driver, ADBC)
 * sends back the {@value #COOKIE} cookie set on its first call; a client that does not is given
 * one session per login (its bearer token). The producer decides the session and this middleware
 * sends the cookie.
 */
final class SessionMiddleware implements FlightServerMiddleware {
    static final String COOKIE = "pondhouse_session";
    static final Key<SessionMiddleware> KEY = Key.of("pondhouse.session");

    private final Optional<String> cookieSession;
    private final Optional<String> bearerToken;
    private final Optional<String> clientAddress;
    private volatile String sessionToSend;

    private SessionMiddleware(Optional<String> cookieSession, Optional<String> bearerToken, Optional<String> clientAddress) {
        this.cookieSession = cookieSession;
        this.bearerToken = bearerToken;
        this.clientAddress = clientAddress;
    }

    /** The client's network address, when the transport knows it. */
    Optional<String> clientAddress() {
        return clientAddress;
    }

    Optional<String> cookieSession() {
        return cookieSession;
    }

    Optional<String> bearerToken() {
        return bearerToken;
    }

    void sendSession(String sessionId) {
        sessionToSend = sessionId;
    }

    @Override
    public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {
        String session = sessionToSend;
        if (session != null && !cookieSession.equals(Optional.of(session))) {
            outgoingHeaders.insert("set-cookie", COOKIE + "=" + session + "; HttpOnly");
        }
    }

    @Override
    public void onCallCompleted(CallStatus status) {}

    @Override
    public void onCallErrored(Throwable error) {}

    static final class Factory implements FlightServerMiddleware.Factory<SessionMiddleware> {
        @Override
        public SessionMiddleware onCallStarted(CallInfo info, CallHeaders incomingHeaders, RequestContext context) {
            Optional<String> cookie = Cookies.value(incomingHeaders, COOKIE);
            Optional<String> token = Optional.empty();
            String authorization = incomingHeaders.get(Auth2Constants.AUTHORIZATION_HEADER);
            if (authorization != null && authorization.regionMatches(true, 0, Auth2Constants.BEARER_PREFIX, 0,
                    Auth2Constants.BEARER_PREFIX.length())) {
                token = Optional.of(authorization.substring(Auth2Constants.BEARER_PREFIX.length()).trim());
            } else {
                token = Cookies.value(incomingHeaders, BearerTokenAuthenticator.TOKEN_COOKIE);
            }
            return new SessionMiddleware(cookie, token, ClientAddressTracer.clientAddress(incomingHeaders));
        }
    }
}
