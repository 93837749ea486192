package dev.pondhouse.security;

/**
 * Checks a user name and password and says who the user is.
 *
 * <p>Implementations are thread-safe. A failed check always throws {@link AuthenticationFailedException}
 * with the same message, whether the user is unknown or the password is wrong, and takes about as long
 * either way, so neither the message nor the response time tells a caller which user names exist.
 */
public interface UserAuthenticator {

    /**
     * Checks {@code password} for {@code user}.
     *
     * <p>The caller owns {@code password}: it is neither kept nor modified, and the caller may clear it
     * as soon as this returns.
     *
     * @return the user, with their roles
     * @throws AuthenticationFailedException if the user is unknown or the password does not match
     * @throws NullPointerException if {@code user} or {@code password} is null
     */
    AuthenticatedUser authenticate(String user, char[] password);
}
