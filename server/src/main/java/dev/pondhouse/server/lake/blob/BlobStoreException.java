package dev.pondhouse.server.lake.blob;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;

/**
 * A blob store operation failed. The {@link Kind} says what the caller may do about it; the
 * message names the blob and is meant for logs and operators (it holds storage paths, so it is
 * never shown to a client: the client-facing {@link ErrorKind} is {@code UNAVAILABLE} for
 * transient failures and {@code INTERNAL} for everything else).
 */
public final class BlobStoreException extends PondhouseException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as far as the caller needs to know. */
    public enum Kind {
        /** The blob (or the container) does not exist. */
        NOT_FOUND,
        /** Storage could not be reached or answered with a transient error; nothing was changed. Retry with back-off. */
        UNAVAILABLE,
        /** The credentials are not allowed to do this; fix configuration, retrying will not help. */
        PERMISSION_DENIED,
        /** The blob name is not a valid relative path, or cannot be stored by this implementation. */
        INVALID_NAME,
        /**
         * A write may or may not have happened (for example a timeout after the request was sent).
         * Read the blob back to find out; never assume either outcome.
         */
        UNKNOWN_OUTCOME,
        /** The operation failed for another reason and changed nothing; retrying will likely fail again. */
        FAILED
    }

    private final Kind blobKind;
    private final String blobName;

    public BlobStoreException(Kind kind, String blobName, String message) {
        this(kind, blobName, message, null);
    }

    public BlobStoreException(Kind kind, String blobName, String message, Throwable cause) {
        super(errorKind(requireNonNull(kind, "kind is null")), message, cause);
        this.blobKind = kind;
        this.blobName = requireNonNull(blobName, "blobName is null");
    }

    /** The category of this failure. */
    public Kind blobKind() {
        return blobKind;
    }

    /** The blob (or prefix) the failed operation was about, as given by the caller. */
    public String blobName() {
        return blobName;
    }

    private static ErrorKind errorKind(Kind kind) {
        return kind == Kind.UNAVAILABLE ? ErrorKind.UNAVAILABLE : ErrorKind.INTERNAL;
    }
}
