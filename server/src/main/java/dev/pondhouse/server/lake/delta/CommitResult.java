package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

/**
 * What became of {@link DeltaLog#commit}.
 *
 * @param outcome whether this commit became the version, or another writer's did
 * @param version the version the commit was written as (or tried to be)
 */
public record CommitResult(Outcome outcome, long version) {
    /** Whether the commit happened. */
    public enum Outcome {
        /** This commit is {@link #version()} of the table. */
        COMMITTED,
        /** Another writer committed {@link #version()} first; this commit did not happen. */
        CONFLICT
    }

    public CommitResult {
        requireNonNull(outcome, "outcome is null");
        if (version < 0) {
            throw new IllegalArgumentException("version is negative: " + version);
        }
    }

    public boolean committed() {
        return outcome == Outcome.COMMITTED;
    }
}
