package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

/**
 * What a {@link DeltaTableWriter#write} did.
 *
 * @param outcome whether it committed or found its application transaction already applied
 * @param version the version it committed as, or (already applied) the table version in which it
 *     found the transaction's version already recorded
 * @param filesAdded the data files the commit added (0 when already applied)
 * @param rowsAdded the rows in those files
 * @param attempts how many commit attempts it took (0 when already applied before staging)
 */
public record WriteResult(Outcome outcome, long version, int filesAdded, long rowsAdded, int attempts) {
    /** Whether the write is in the table because of this call. */
    public enum Outcome {
        /** This write is version {@link #version()}. */
        COMMITTED,
        /**
         * The table already held this application transaction's version (or a later one), so nothing
         * was committed: a re-run of a write that had succeeded.
         */
        ALREADY_APPLIED
    }

    public WriteResult {
        requireNonNull(outcome, "outcome is null");
        if (version < 0 || filesAdded < 0 || rowsAdded < 0 || attempts < 0) {
            throw new IllegalArgumentException("negative count in write result");
        }
    }

    public boolean committed() {
        return outcome == Outcome.COMMITTED;
    }
}
