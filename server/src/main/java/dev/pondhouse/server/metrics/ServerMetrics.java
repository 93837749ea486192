package dev.pondhouse.server.metrics;

import dev.pondhouse.server.error.ErrorKind;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * What the server counts, for the admin endpoint's {@code GET /metrics}. Parts of the server call
 * these methods; they never fail and never block for long.
 *
 * <p>Implementations are thread-safe. {@link #NONE} counts nothing (for tests and tools).
 */
public interface ServerMetrics {
    /** A statement started executing. */
    void queryStarted();

    /** A statement failed; {@code kind} is the category the client saw. */
    void queryFailed(ErrorKind kind);

    /** Rows and Arrow bytes sent to a client, e.g. once per record batch. */
    void resultSent(long rows, long bytes);

    /** A job reached a final state after running (or waiting) for {@code duration}. */
    void jobFinished(String job, String state, Duration duration);

    /** Reports {@code open} as the number of open client sessions. */
    void sessionsOpen(IntSupplier open);

    /** Reports {@code count} as the number of jobs in {@code state} (queued, running). */
    void jobsActive(String state, IntSupplier count);

    ServerMetrics NONE = new ServerMetrics() {
        @Override
        public void queryStarted() {}

        @Override
        public void queryFailed(ErrorKind kind) {}

        @Override
        public void resultSent(long rows, long bytes) {}

        @Override
        public void jobFinished(String job, String state, Duration duration) {}

        @Override
        public void sessionsOpen(IntSupplier open) {}

        @Override
        public void jobsActive(String state, IntSupplier count) {}
    };
}
