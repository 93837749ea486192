package dev.pondhouse.server.flight;

import java.util.Optional;
import org.apache.arrow.flight.CallHeaders;

/** Reads one cookie from the {@code cookie} headers of a call. */
final class Cookies {
    private Cookies() {}

    static Optional<String> value(CallHeaders headers, String name) {
        Iterable<String> cookieHeaders = headers.getAll("cookie");
        if (cookieHeaders == null) {
            return Optional.empty();
        }
        Optional<String> found = Optional.empty();
        for (String header : cookieHeaders) {
            for (String part : header.split(";")) {
                String trimmed = part.trim();
                if (trimmed.startsWith(name + "=")) {
                    found = Optional.of(trimmed.substring(name.length() + 1)).filter(value -> !value.isBlank());
                }
            }
        }
        return found;
    }
}
