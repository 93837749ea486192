package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users of a password authenticator (the users file or database), plus users who present a JWT of a
 * trusted issuer ({@link JwtVerifier}) as their bearer credential.
 *
 * <p>The server asks {@link #findUser} for a user's roles; a JWT user has no entry in the users file, so the
 * identity of each valid JWT (its user and roles) is remembered until the token expires (plus the verifier's
 * clock skew). When several valid tokens of one user are in use, the roles of the one verified last are
 * remembered. At most {@value #MAXIMUM_REMEMBERED_IDENTITIES} identities are remembered, the least recently
 * used forgotten first (the next call with a forgotten user's token remembers it again).
 *
 * <p>A JWT whose user name is also a user of the password authenticator is refused (and logged): the
 * password user's roles must not be given to a token holder, nor the token's roles to the password user.
 * {@link #findUser} answers from the password authenticator first.
 *
 * <p>Thread-safe: the remembered identities are guarded by their map's monitor; the verifier and the password
 * authenticator are thread-safe.
 */
public final class JwtUserAuthenticator implements UserAuthenticator {
    static final int MAXIMUM_REMEMBERED_IDENTITIES = 10_000;
    private static final Logger log = LoggerFactory.getLogger(JwtUserAuthenticator.class);

    private final UserAuthenticator passwordUsers;
    private final JwtVerifier verifier;
    private final Clock clock;
    /** Guarded by itself. */
    private final Map<String, JwtVerifier.VerifiedJwt> identities = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JwtVerifier.VerifiedJwt> eldest) {
            return size() > MAXIMUM_REMEMBERED_IDENTITIES;
        }
    };

    /** @param verifier started */
    public JwtUserAuthenticator(UserAuthenticator passwordUsers, JwtVerifier verifier, Clock clock) {
        this.passwordUsers = requireNonNull(passwordUsers, "passwordUsers is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Password logins are the password authenticator's. */
    @Override
    public AuthenticationResult authenticate(String user, char[] password, Optional<String> clientAddress) {
        return passwordUsers.authenticate(user, password, clientAddress);
    }

    @Override
    public Optional<AuthenticatedUser> authenticateBearer(String credential) {
        Optional<JwtVerifier.VerifiedJwt> verified = verifier.verify(requireNonNull(credential, "credential is null"));
        if (verified.isEmpty()) {
            return Optional.empty();
        }
        AuthenticatedUser user = verified.get().user();
        if (passwordUsers.findUser(user.name()).isPresent()) {
            log.warn("bearer JWT for user '{}' refused: a user of that name logs in with a password", user.name());
            return Optional.empty();
        }
        synchronized (identities) {
            JwtVerifier.VerifiedJwt earlier = identities.put(user.name(), verified.get());
            if (earlier == null || !earlier.user().equals(user)) {
                log.info("user {} signed in with a bearer JWT, roles {}", user.name(), user.roles());
            }
        }
        return Optional.of(user);
    }

    /** The password authenticator's user, else the identity of a JWT that has not expired. */
    @Override
    public Optional<AuthenticatedUser> findUser(String name) {
        Optional<AuthenticatedUser> passwordUser = passwordUsers.findUser(requireNonNull(name, "name is null"));
        if (passwordUser.isPresent()) {
            return passwordUser;
        }
        Instant now = clock.instant();
        synchronized (identities) {
            JwtVerifier.VerifiedJwt identity = identities.get(name);
            if (identity == null) {
                return Optional.empty();
            }
            if (now.isAfter(identity.expires().plus(JwtVerifier.CLOCK_SKEW))) {
                identities.remove(name);
                return Optional.empty();
            }
            return Optional.of(identity.user());
        }
    }
}
