package dev.pondhouse.server.jobs;

/** Where a job is in its life. QUEUED and RUNNING are active; the others are final. */
public enum JobState {
    /** Accepted, waiting for a worker. */
    QUEUED,
    /** A worker runs it. */
    RUNNING,
    /** It ran to the end; the result says what it did. */
    SUCCEEDED,
    /** It stopped with an error; the error says why and what to do. */
    FAILED,
    /** It was cancelled before it started, or stopped when asked to. */
    CANCELLED;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
