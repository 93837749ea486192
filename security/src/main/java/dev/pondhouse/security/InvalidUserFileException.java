package dev.pondhouse.security;

/**
 * The users file cannot be used: it is missing or unreadable, or an entry in it is wrong. The message
 * names the file, the line and the user or role where known, and the reason. It never contains a
 * password or a password hash. Start-up should stop with this message.
 */
public final class InvalidUserFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidUserFileException(String message) {
        super(message);
    }

    public InvalidUserFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
