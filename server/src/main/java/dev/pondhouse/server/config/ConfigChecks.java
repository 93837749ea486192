package dev.pondhouse.server.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** Checks shared by the configuration sections. */
final class ConfigChecks {
    private ConfigChecks() {}

    static <T> Optional<T> orEmpty(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }

    static void requireTableName(String key, String value) {
        requireNonNull(value, key + " is missing");
        String[] parts = value.split("\\.", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a table name of the form schema.table");
        }
        requireIdentifier(key, parts[0]);
        requireIdentifier(key, parts[1]);
    }

    static void requireIdentifier(String key, String value) {
        requireNonNull(value, key + " is null");
        if (!value.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(key + ": '" + value
                    + "' is not a plain identifier (letters, digits, underscore; not starting with a digit)");
        }
    }
}
