package dev.pondhouse.security;

/**
 * The users database cannot be used: no JDBC driver accepts its URL, it cannot be reached, or a query is
 * wrong. The message names the database by its URL without parameters (which may hold credentials), says
 * what failed and what to do; it never contains a password or a password hash. Start-up should stop with
 * this message.
 */
public final class UserDatabaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserDatabaseException(String message) {
        super(message);
    }

    public UserDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
