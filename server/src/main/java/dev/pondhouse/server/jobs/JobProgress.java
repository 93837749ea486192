package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

/**
 * How far a job is, as it last reported.
 *
 * @param fraction between 0 and 1
 * @param message what it was doing, possibly empty
 */
public record JobProgress(double fraction, String message) {
    public static final JobProgress NONE = new JobProgress(0, "");

    public JobProgress {
        requireNonNull(message, "message is null");
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("progress fraction must be between 0 and 1: " + fraction);
        }
    }
}
