package dev.pondhouse.server.pipeline;

/**
 * Where a long-running job (a pipeline, an ingest) reports how far it is, for the job runner to show.
 * Called on the job's thread; an implementation must be quick and must not throw.
 */
@FunctionalInterface
public interface JobProgress {
    /** Ignores every report. */
    JobProgress NONE = (fraction, message) -> {};

    /**
     * @param fraction how much is done, from 0 to 1
     * @param message what it is doing or has just done, for people
     */
    void report(double fraction, String message);
}
