package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;

/**
 * A write to a Delta table did not commit, or may not have. The {@link Reason} says which and what
 * to do; the message names the table and the cause.
 *
 * <p>Only {@link Reason#OUTCOME_UNKNOWN} leaves the question open: the commit may be in the table.
 * Every other reason means nothing became visible; data files uploaded before the failure are
 * orphans that no snapshot references, left for vacuum.
 */
public final class DeltaWriteException extends PondhouseException {
    private static final long serialVersionUID = 1L;

    /** Why the write did not (certainly) commit. */
    public enum Reason {
        /** The data or the request is wrong (schema mismatch, unsupported type, no partitions); fix it. */
        INVALID_INPUT(ErrorKind.USER_ERROR),
        /** The table already exists (create). */
        TABLE_EXISTS(ErrorKind.CONFLICT),
        /** The table does not exist (append, replace partitions, rewrite). */
        TABLE_NOT_FOUND(ErrorKind.NOT_FOUND),
        /** A concurrent commit conflicts with this write, or the attempts ran out; run it again. */
        CONFLICT(ErrorKind.CONFLICT),
        /**
         * The commit was sent but whether it landed could not be learnt. Do not delete its data files;
         * read the table (or retry with the same {@code txn} id, which is then safe) to find out.
         */
        OUTCOME_UNKNOWN(ErrorKind.UNAVAILABLE),
        /** Staging, uploading or the store failed before the commit; nothing was committed. */
        FAILED(ErrorKind.INTERNAL);

        private final ErrorKind errorKind;

        Reason(ErrorKind errorKind) {
            this.errorKind = errorKind;
        }
    }

    private final Reason reason;

    public DeltaWriteException(Reason reason, String message) {
        this(reason, message, null);
    }

    public DeltaWriteException(Reason reason, String message, Throwable cause) {
        super(requireNonNull(reason, "reason is null").errorKind, message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
