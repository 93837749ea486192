package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.PondhouseException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A job request's parameters with typed accessors. Every error is a user error (HTTP 400) that names
 * the job, the parameter, what it got and what it expects, so a factory needs no messages of its own.
 */
public final class JobParameters {
    private final String job;
    private final Map<String, Object> values;

    public JobParameters(String job, Map<String, Object> values) {
        this.job = requireNonNull(job, "job is null");
        this.values = Map.copyOf(requireNonNull(values, "values is null"));
    }

    /** Refuses parameters other than {@code known}. */
    public JobParameters requireOnly(String... known) {
        Set<String> allowed = Set.of(known);
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            String expected = known.length == 0 ? "it takes no parameters"
                    : "known parameters: " + String.join(", ", new TreeSet<>(Arrays.asList(known)));
            throw PondhouseException.userError("job " + job + ": unknown parameter" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (" + expected + ")");
        }
        return this;
    }

    public Optional<String> string(String name) {
        return value(name).map(value -> {
            if (value instanceof String text) {
                return text;
            }
            throw wrongType(name, value, "a string");
        });
    }

    public String requiredString(String name) {
        return string(name).orElseThrow(() -> missing(name, "a string"));
    }

    /** A whole number; {@code 5} and {@code 5.0} are accepted, {@code 5.5} and {@code "5"} are not. */
    public Optional<Long> integer(String name) {
        return value(name).map(value -> {
            try {
                if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
                    return ((Number) value).longValue();
                }
                if (value instanceof BigInteger big) {
                    return big.longValueExact();
                }
                if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
                    return new BigDecimal(value.toString()).longValueExact();
                }
            } catch (ArithmeticException | NumberFormatException e) {
                throw wrongType(name, value, "a whole number");
            }
            throw wrongType(name, value, "a whole number");
        });
    }

    public Optional<Boolean> bool(String name) {
        return value(name).map(value -> {
            if (value instanceof Boolean flag) {
                return flag;
            }
            throw wrongType(name, value, "true or false");
        });
    }

    /** The raw JSON value (string, number, boolean, list or map), for parameters of other shapes. */
    public Optional<Object> value(String name) {
        return Optional.ofNullable(values.get(requireNonNull(name, "name is null")));
    }

    /** A user error about {@code name}, for checks beyond its type (ranges, formats). */
    public PondhouseException invalid(String name, String reason) {
        return PondhouseException.userError("job " + job + ": parameter " + name + " " + reason);
    }

    private PondhouseException missing(String name, String expected) {
        return PondhouseException.userError("job " + job + ": parameter " + name + " is required (" + expected + ")");
    }

    private PondhouseException wrongType(String name, Object value, String expected) {
        String shown = value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
        if (shown.length() > 60) {
            shown = shown.substring(0, 60) + "...";
        }
        return PondhouseException.userError("job " + job + ": parameter " + name + " is " + shown + "; expected " + expected);
    }
}
