package dev.pondhouse.examples;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The timed runs of one query on one side, and what the result looked like. */
public record Measurement(String side, List<Long> runNanos, ResultDigest digest) {
    public Measurement {
        requireNonNull(side, "side is null");
        runNanos = List.copyOf(runNanos);
        requireNonNull(digest, "digest is null");
        if (runNanos.isEmpty()) {
            throw new IllegalArgumentException("no timed runs for " + side);
        }
    }

    public double medianMillis() {
        List<Long> sorted = runNanos.stream().sorted().toList();
        int middle = sorted.size() / 2;
        double medianNanos = sorted.size() % 2 == 1
                ? sorted.get(middle)
                : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
        return medianNanos / 1_000_000.0;
    }
}
