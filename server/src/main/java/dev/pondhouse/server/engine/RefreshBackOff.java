package dev.pondhouse.server.engine;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * When the next lake refresh runs: one interval after a refresh that worked; after failures (storage
 * unreachable, say) one interval, then twice as long after each further failure, up to
 * {@code maxDelay} (or the interval, if that is longer), so a storage outage is not polled hard and
 * its end is still noticed.
 *
 * <p>Not thread-safe: one scheduler thread uses it.
 */
public final class RefreshBackOff {
    private final Duration interval;
    private final Duration maxDelay;
    private int consecutiveFailures;

    public RefreshBackOff(Duration interval, Duration maxDelay) {
        this.interval = requireNonNull(interval, "interval is null");
        requireNonNull(maxDelay, "maxDelay is null");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.maxDelay = maxDelay.compareTo(interval) < 0 ? interval : maxDelay;
    }

    /** Records the outcome of a refresh and returns how long to wait before the next. */
    public Duration next(boolean succeeded) {
        if (succeeded) {
            consecutiveFailures = 0;
            return interval;
        }
        consecutiveFailures++;
        Duration delay = interval;
        for (int doubling = 1; doubling < consecutiveFailures && delay.compareTo(maxDelay) < 0; doubling++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) < 0 ? delay : maxDelay;
    }

    /** Failures since the last refresh that worked. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }
}
