package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The outcome of a login attempt. {@link Invalid} and {@link Throttled} must look the same to the client —
 * both are {@value #INVALID_CREDENTIALS} — so that a client learns neither which user names exist nor that
 * it is being slowed down; they differ only for the server's own audit log.
 */
public sealed interface AuthenticationResult
        permits AuthenticationResult.Success, AuthenticationResult.Invalid, AuthenticationResult.Throttled {

    /** The one message a client gets for any refused login. */
    String INVALID_CREDENTIALS = "invalid credentials";

    /** The password matched. */
    record Success(AuthenticatedUser user) implements AuthenticationResult {
        public Success {
            requireNonNull(user, "user is null");
        }
    }

    /** The user is unknown, or the password is wrong or empty; which one is deliberately not said. */
    record Invalid() implements AuthenticationResult {}

    /**
     * Too many recent failures for this user name or client address; the password was not checked.
     *
     * @param retryAfter how long until an attempt would be checked again; for the audit log, never the client
     */
    record Throttled(Duration retryAfter) implements AuthenticationResult {
        public Throttled {
            requireNonNull(retryAfter, "retryAfter is null");
        }
    }
}
