package dev.pondhouse.security;

/**
 * A login was refused. The message is always {@value #MESSAGE}, whatever the reason (an unknown user, a
 * wrong or empty password), and there is no cause: the reason must not reach the client, which would
 * otherwise learn which user names exist.
 */
public final class AuthenticationFailedException extends RuntimeException {
    /** The one message this exception carries. */
    public static final String MESSAGE = "invalid credentials";

    private static final long serialVersionUID = 1L;

    public AuthenticationFailedException() {
        super(MESSAGE);
    }
}
