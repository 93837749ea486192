package dev.pondhouse.server.flight;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import java.util.UUID;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where errors become Flight statuses. A categorized error keeps its message; an
 * internal one is logged with an error id and the client gets only that id.
 */
final class FlightErrors {
    private static final Logger log = LoggerFactory.getLogger(FlightErrors.class);

    private FlightErrors() {}

    static FlightRuntimeException toFlight(Throwable error) {
        if (error instanceof FlightRuntimeException flight) {
            return flight;
        }
        if (error instanceof PondhouseException known && known.kind() != ErrorKind.INTERNAL) {
            return status(known.kind()).withDescription(known.getMessage()).toRuntimeException();
        }
        String errorId = UUID.randomUUID().toString();
        log.error("internal error {}", errorId, error);
        return CallStatus.INTERNAL.withDescription("internal error " + errorId + " (details are in the server log)")
                .toRuntimeException();
    }

    static CallStatus status(ErrorKind kind) {
        return switch (kind) {
            case USER_ERROR -> CallStatus.INVALID_ARGUMENT;
            case PERMISSION_DENIED -> CallStatus.UNAUTHORIZED;
            case UNAUTHENTICATED -> CallStatus.UNAUTHENTICATED;
            case NOT_FOUND -> CallStatus.NOT_FOUND;
            case CONFLICT -> CallStatus.ALREADY_EXISTS;
            case RESOURCE_EXHAUSTED -> CallStatus.RESOURCE_EXHAUSTED;
            case CANCELLED -> CallStatus.CANCELLED;
            case TIMED_OUT -> CallStatus.TIMED_OUT;
            case UNAVAILABLE -> CallStatus.UNAVAILABLE;
            case UNSUPPORTED -> CallStatus.UNIMPLEMENTED;
            case INTERNAL -> CallStatus.INTERNAL;
        };
    }
}
