package dev.pondhouse.server.lake.maintenance;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;

/**
 * A maintenance operation refused to run and changed nothing: its settings are unsafe (a retention
 * below the safety floor without {@code force}), or it cannot be sure what is safe to delete (the
 * table's log cannot be read, or names files it cannot map to blobs). The message says why and what
 * to do.
 */
public final class MaintenanceRefusedException extends PondhouseException {
    private static final long serialVersionUID = 1L;

    public MaintenanceRefusedException(ErrorKind kind, String message) {
        super(kind, message);
    }

    public MaintenanceRefusedException(ErrorKind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}
