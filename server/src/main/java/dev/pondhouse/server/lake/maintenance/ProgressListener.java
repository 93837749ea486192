package dev.pondhouse.server.lake.maintenance;

/**
 * Receives the progress of a maintenance operation ({@link TableCompactor}, {@link TableVacuum},
 * {@link LogMaintenance}). Called on the thread running the operation, so it must be quick and must
 * not throw.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores every report. */
    ProgressListener NONE = (fraction, message) -> {};

    /**
     * @param fraction how much of the operation is done, from 0 to 1, never decreasing within one run
     * @param message what it is doing now, for people (no paths outside the table)
     */
    void report(double fraction, String message);
}
