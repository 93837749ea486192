package dev.pondhouse.server.error;

import static java.util.Objects.requireNonNull;

/** An error with a category. Its message is safe to show to the client unless the kind is INTERNAL. */
public class PondhouseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;

    public PondhouseException(ErrorKind kind, String message) {
        super(requireNonNull(message, "message is null"));
        this.kind = requireNonNull(kind, "kind is null");
    }

    public PondhouseException(ErrorKind kind, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public ErrorKind kind() {
        return kind;
    }

    public static PondhouseException userError(String message) {
        return new PondhouseException(ErrorKind.USER_ERROR, message);
    }

    public static PondhouseException notFound(String message) {
        return new PondhouseException(ErrorKind.NOT_FOUND, message);
    }
}
