package dev.pondhouse.server.flight;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.security.AuthenticatedUser;
import dev.pondhouse.security.AuthenticationResult;
import dev.pondhouse.security.UserAuthenticator;
import dev.pondhouse.server.audit.AuditEvent;
import dev.pondhouse.server.audit.AuditLog;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.auth2.Auth2Constants;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flight authentication: a client logs in with HTTP Basic credentials (the handshake) and gets a
 * random bearer token, which it sends on every later call. A token expires after an absolute
 * lifetime and after an idle period. Failed logins learn only "invalid credentials".
 *
 * <p>The token is also set as the cookie {@value #TOKEN_COOKIE} and accepted from it, for clients
 * that send cookies but not the bearer header on every call (the ADBC Java driver's prepared
 * statements, with its cookie middleware switched on).
 *
 * <p>A bearer credential that is not one of our tokens is offered to
 * {@link UserAuthenticator#authenticateBearer} (a JWT of a trusted identity provider, when configured) and,
 * if valid, authenticates that one call.
 *
 * <p>When the users cannot be read (a users database that does not answer), a login or a call is
 * refused with UNAVAILABLE, the token is kept, and nothing counts as a failed login.
 *
 * <p>Thread-safe: tokens live in a concurrent map.
 */
public final class BearerTokenAuthenticator implements CallHeaderAuthenticator {
    static final String TOKEN_COOKIE = "pondhouse_token";
    private static final Logger log = LoggerFactory.getLogger(BearerTokenAuthenticator.class);

    private final UserAuthenticator users;
    private final Duration lifetime;
    private final Duration idleTimeout;
    private final int maxTokensPerUser;
    private final Function<AuthenticatedUser, String> grantsKey;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    /**
     * @param maxTokensPerUser tokens one user may hold at once; a login beyond drops the oldest
     * @param grantsKey what a user may read, as a comparable key: a token stops working when the key of
     *     its user changes (the access rules for them changed)
     */
    public BearerTokenAuthenticator(UserAuthenticator users, Duration lifetime, Duration idleTimeout, int maxTokensPerUser,
            Function<AuthenticatedUser, String> grantsKey, AuditLog audit, Clock clock) {
        this.users = requireNonNull(users, "users is null");
        this.lifetime = requireNonNull(lifetime, "lifetime is null");
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout is null");
        this.maxTokensPerUser = maxTokensPerUser;
        this.grantsKey = requireNonNull(grantsKey, "grantsKey is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (maxTokensPerUser < 1) {
            throw new IllegalArgumentException("maxTokensPerUser must be at least 1");
        }
    }

    @Override
    public AuthResult authenticate(CallHeaders headers) {
        String authorization = headers.get(Auth2Constants.AUTHORIZATION_HEADER);
        if (authorization == null) {
            java.util.Optional<String> cookieToken = Cookies.value(headers, TOKEN_COOKIE);
            if (cookieToken.isPresent()) {
                return resume(cookieToken.get());
            }
            throw CallStatus.UNAUTHENTICATED.withDescription("log in with a user name and password").toRuntimeException();
        }
        if (authorization.regionMatches(true, 0, Auth2Constants.BASIC_PREFIX, 0, Auth2Constants.BASIC_PREFIX.length())) {
            return login(authorization.substring(Auth2Constants.BASIC_PREFIX.length()).trim(),
                    ClientAddressTracer.clientAddress(headers));
        }
        if (authorization.regionMatches(true, 0, Auth2Constants.BEARER_PREFIX, 0, Auth2Constants.BEARER_PREFIX.length())) {
            return resume(authorization.substring(Auth2Constants.BEARER_PREFIX.length()).trim());
        }
        throw CallStatus.UNAUTHENTICATED.withDescription("unsupported authorization scheme; use Basic or Bearer")
                .toRuntimeException();
    }

    private AuthResult login(String encoded, Optional<String> clientAddress) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw CallStatus.UNAUTHENTICATED.withDescription("invalid credentials").toRuntimeException();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw CallStatus.UNAUTHENTICATED.withDescription("invalid credentials").toRuntimeException();
        }
        String name = decoded.substring(0, colon);
        char[] password = decoded.substring(colon + 1).toCharArray();
        AuthenticationResult result;
        try {
            result = users.authenticate(name, password, clientAddress);
        } catch (IllegalStateException unavailable) {
            log.warn("login of user '{}' could not be checked", name, unavailable);
            throw usersUnavailable();
        } finally {
            Arrays.fill(password, '\0');
        }
        if (!(result instanceof AuthenticationResult.Success success)) {
            // Throttled and invalid look the same to the client; only the server log and the audit log
            // tell them apart.
            boolean throttled = result instanceof AuthenticationResult.Throttled;
            log.info("login refused for user '{}': {}", name, throttled ? "throttled after repeated failures" : "invalid credentials");
            audit.record(AuditEvent.login(clock.instant(), name, clientAddress,
                    throttled ? AuditEvent.Outcome.THROTTLED : AuditEvent.Outcome.FAILURE,
                    Optional.of(throttled ? "throttled after repeated failures" : "invalid credentials")));
            throw CallStatus.UNAUTHENTICATED.withDescription(AuthenticationResult.INVALID_CREDENTIALS).toRuntimeException();
        }
        AuthenticatedUser user = success.user();
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        dropOldestBeyondCap(user.name());
        tokens.put(token, new Token(user, grantsKey.apply(user), now, now.plus(lifetime), now));
        log.info("user {} logged in", user.name());
        audit.record(AuditEvent.login(now, user.name(), clientAddress, AuditEvent.Outcome.SUCCESS, Optional.empty()));
        return new TokenResult(user.name(), token);
    }

    /** Makes room for one more token of {@code user} by forgetting their oldest ones. */
    private void dropOldestBeyondCap(String user) {
        List<Map.Entry<String, Token>> held = tokens.entrySet().stream()
                .filter(entry -> entry.getValue().user().name().equals(user))
                .sorted(Comparator.comparing(entry -> entry.getValue().issued()))
                .toList();
        for (int i = 0; i <= held.size() - maxTokensPerUser; i++) {
            tokens.remove(held.get(i).getKey(), held.get(i).getValue());
        }
    }

    private AuthResult resume(String token) {
        Token entry = tokens.get(token);
        Instant now = clock.instant();
        if (entry == null) {
            return externalBearer(token);
        }
        if (now.isAfter(entry.expires()) || now.isAfter(entry.lastUsed().plus(idleTimeout))) {
            tokens.remove(token, entry);
            throw CallStatus.UNAUTHENTICATED.withDescription("session token expired; log in again").toRuntimeException();
        }
        Optional<AuthenticatedUser> current;
        try {
            current = users.findUser(entry.user().name());
        } catch (IllegalStateException unavailable) {
            // The token is kept: the user may well still exist once the users can be read again.
            log.warn("user {} could not be looked up", entry.user().name(), unavailable);
            throw usersUnavailable();
        }
        if (current.isEmpty() || !current.get().equals(entry.user()) || !grantsKey.apply(current.get()).equals(entry.grantsKey())) {
            tokens.remove(token, entry);
            log.info("token of user {} revoked: the user was removed or their roles or access rules changed",
                    entry.user().name());
            throw CallStatus.UNAUTHENTICATED.withDescription("your account or access rules changed; log in again")
                    .toRuntimeException();
        }
        tokens.replace(token, entry, new Token(entry.user(), entry.grantsKey(), entry.issued(), entry.expires(), now));
        return new TokenResult(entry.user().name(), token);
    }

    /**
     * The user of a live token whose peer identity is {@code name}, with the roles they had at login:
     * for calls that need more than the name (the job actions' permission checks).
     */
    public java.util.Optional<AuthenticatedUser> user(String name) {
        return tokens.values().stream().map(Token::user).filter(user -> user.name().equals(name)).findFirst();
    }

    /**
     * A bearer credential that is not one of our tokens: a JWT of a trusted issuer (when one is configured)
     * is accepted for this call as the user it names; it is checked again on every call and nothing is kept
     * here. Anything else with the shape of a JWT is "invalid credentials".
     */
    private AuthResult externalBearer(String credential) {
        Optional<AuthenticatedUser> user;
        try {
            user = users.authenticateBearer(credential);
        } catch (IllegalStateException unavailable) {
            log.warn("a bearer credential could not be checked", unavailable);
            throw usersUnavailable();
        }
        if (user.isPresent()) {
            return new ExternalBearerResult(user.get().name());
        }
        if (credential.indexOf('.') >= 0) {
            throw CallStatus.UNAUTHENTICATED.withDescription(AuthenticationResult.INVALID_CREDENTIALS).toRuntimeException();
        }
        throw CallStatus.UNAUTHENTICATED.withDescription("session token unknown or expired; log in again").toRuntimeException();
    }

    /** The users (a users database) cannot be read now; says nothing of the cause, which is in the log. */
    private static RuntimeException usersUnavailable() {
        return CallStatus.UNAVAILABLE.withDescription("users cannot be checked right now; try again later")
                .toRuntimeException();
    }

    /** Forgets expired tokens; called periodically. */
    public void evictExpired() {
        Instant now = clock.instant();
        tokens.values().removeIf(entry -> now.isAfter(entry.expires()) || now.isAfter(entry.lastUsed().plus(idleTimeout)));
    }

    private record Token(AuthenticatedUser user, String grantsKey, Instant issued, Instant expires, Instant lastUsed) {}

    /** A call made with someone else's credential: nothing to send back, the client keeps sending it. */
    private record ExternalBearerResult(String peerIdentity) implements AuthResult {
        @Override
        public String getPeerIdentity() {
            return peerIdentity;
        }
    }

    private record TokenResult(String peerIdentity, String token) implements AuthResult {
        @Override
        public String getPeerIdentity() {
            return peerIdentity;
        }

        @Override
        public void appendToOutgoingHeaders(CallHeaders outgoingHeaders) {
            if (outgoingHeaders.get(Auth2Constants.AUTHORIZATION_HEADER) == null) {
                outgoingHeaders.insert(Auth2Constants.AUTHORIZATION_HEADER, Auth2Constants.BEARER_PREFIX + token);
                outgoingHeaders.insert("set-cookie", TOKEN_COOKIE + "=" + token + "; HttpOnly");
            }
        }
    }
}
