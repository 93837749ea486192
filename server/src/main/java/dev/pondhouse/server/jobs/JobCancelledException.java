package dev.pondhouse.server.jobs;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;

/**
 * Thrown by {@link JobContext#checkCancelled()} when the job was asked to stop (a user's cancel, the
 * server shutting down, or a lost table lock). A job lets it propagate; the runner records the job as
 * CANCELLED.
 */
public final class JobCancelledException extends PondhouseException {
    private static final long serialVersionUID = 1L;

    public JobCancelledException(String message) {
        super(ErrorKind.CANCELLED, message);
    }
}
