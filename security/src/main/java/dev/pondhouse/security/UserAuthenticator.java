package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Checks a user name and password and says who the user is, and who a user is now.
 *
 * <p>Implementations are thread-safe. A refused login is {@link AuthenticationResult.Invalid} whether the
 * user is unknown or the password is wrong, and takes about as long either way, so that neither the
 * answer nor the response time tells a caller which user names exist. Repeated failures make later
 * attempts {@link AuthenticationResult.Throttled} (see {@link LoginThrottle}), which callers must show to
 * the client exactly as they show {@code Invalid}.
 */
public interface UserAuthenticator {

    /**
     * Checks {@code password} for {@code user}, unless recent failures for the name or the address make this
     * attempt throttled, in which case the password is not checked.
     *
     * <p>The caller owns {@code password}: it is neither kept nor modified, and the caller may clear it as
     * soon as this returns.
     *
     * @param clientAddress the client's network address, for counting failures per address; empty when the
     *     caller does not know it (then only the user name is counted)
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the check could not be made (a broken hash provider, a users database
     *     that cannot be read); never for wrong credentials
     */
    AuthenticationResult authenticate(String user, char[] password, Optional<String> clientAddress);

    /**
     * The user called {@code name} as the users file or database says now, with their current roles; empty once
     * the user has been removed. For checking, after the users changed, that a logged-in user still exists and
     * holds the same roles. Called on every Flight call, so it must be cheap: an implementation over a remote
     * store may answer from a short-lived cache (and says how long).
     *
     * @throws IllegalStateException if the users cannot be read now (a users database that does not answer)
     */
    Optional<AuthenticatedUser> findUser(String name);

    /**
     * The user named by a bearer credential that someone else issued (a JWT of a trusted identity provider),
     * when it is valid now; empty for anything else. A user accepted here is then found by {@link #findUser},
     * with the credential's roles, for as long as the credential is valid. None are accepted by default; see
     * {@link JwtUserAuthenticator}.
     *
     * @throws IllegalStateException if the check could not be made (the users cannot be read)
     */
    default Optional<AuthenticatedUser> authenticateBearer(String credential) {
        requireNonNull(credential, "credential is null");
        return Optional.empty();
    }
}
