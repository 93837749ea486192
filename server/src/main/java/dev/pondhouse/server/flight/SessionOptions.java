package dev.pondhouse.server.flight;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.query.SessionControl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.GetSessionOptionsResult;
import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;

/**
 * The Flight session options of a caller's session: {@code catalog} and {@code schema}, the
 * session's default catalog and schema. Any other option is refused as an invalid name.
 *
 * <p>Thread-safe: holds no mutable state.
 */
final class SessionOptions {
    private static final String CATALOG_OPTION = "catalog";
    private static final String SCHEMA_OPTION = "schema";

    private final CallerSessions sessions;
    private final SessionControl sessionControl;

    SessionOptions(CallerSessions sessions, SessionControl sessionControl) {
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.sessionControl = requireNonNull(sessionControl, "sessionControl is null");
    }

    /** Sets the options when all are known and have a text value; otherwise sets none and names the errors. */
    SetSessionOptionsResult set(SetSessionOptionsRequest request, CallContext context) {
        Map<String, SetSessionOptionsResult.Error> errors = new HashMap<>();
        Optional<String> catalog = Optional.empty();
        Optional<String> schema = Optional.empty();
        for (Map.Entry<String, SessionOptionValue> option : request.getSessionOptions().entrySet()) {
            Optional<String> value = stringValue(option.getValue());
            if (!option.getKey().equals(CATALOG_OPTION) && !option.getKey().equals(SCHEMA_OPTION)) {
                errors.put(option.getKey(), new SetSessionOptionsResult.Error(SetSessionOptionsResult.ErrorValue.INVALID_NAME));
            } else if (value.isEmpty()) {
                errors.put(option.getKey(), new SetSessionOptionsResult.Error(SetSessionOptionsResult.ErrorValue.INVALID_VALUE));
            } else if (option.getKey().equals(CATALOG_OPTION)) {
                catalog = value;
            } else {
                schema = value;
            }
        }
        if (errors.isEmpty()) {
            sessionControl.use(sessions.of(context), catalog, schema);
        }
        return new SetSessionOptionsResult(errors);
    }

    GetSessionOptionsResult get(CallContext context) {
        List<String> current = sessionControl.currentCatalogAndSchema(sessions.of(context));
        return new GetSessionOptionsResult(Map.of(
                CATALOG_OPTION, SessionOptionValueFactory.makeSessionOptionValue(current.get(0)),
                SCHEMA_OPTION, SessionOptionValueFactory.makeSessionOptionValue(current.get(1))));
    }

    private static Optional<String> stringValue(SessionOptionValue value) {
        String[] holder = new String[1];
        value.acceptVisitor(new org.apache.arrow.flight.SessionOptionValueVisitor<Void>() {
            @Override
            public Void visit(String text) {
                holder[0] = text;
                return null;
            }

            @Override
            public Void visit(boolean flag) {
                return null;
            }

            @Override
            public Void visit(long number) {
                return null;
            }

            @Override
            public Void visit(double number) {
                return null;
            }

            @Override
            public Void visit(String[] texts) {
                return null;
            }

            @Override
            public Void visit(Void empty) {
                return null;
            }
        });
        return Optional.ofNullable(holder[0]);
    }
}
