package dev.pondhouse.server.lake.delta;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;

/**
 * A Delta log cannot be read or written: it is corrupt (a gap, a malformed line), or it needs
 * something this server does not support (reader features, checkpoints). The message names the
 * table root, the version and the field or feature.
 */
public final class DeltaLogException extends PondhouseException {
    private static final long serialVersionUID = 1L;

    public DeltaLogException(ErrorKind kind, String message) {
        super(kind, message);
    }

    public DeltaLogException(ErrorKind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }

    static DeltaLogException corrupt(String message) {
        return new DeltaLogException(ErrorKind.INTERNAL, message);
    }

    static DeltaLogException corrupt(String message, Throwable cause) {
        return new DeltaLogException(ErrorKind.INTERNAL, message, cause);
    }

    static DeltaLogException unsupported(String message) {
        return new DeltaLogException(ErrorKind.UNSUPPORTED, message);
    }
}
