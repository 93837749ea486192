package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a {@link DeltaTableWriter} commits.
 *
 * @param maxCommitAttempts how many times one write tries to commit before it gives up with a
 *     conflict: each lost race to a compatible commit, and each transient store failure, costs one
 * @param initialBackoff the pause before the second attempt; it doubles with each further attempt,
 *     and each pause is a random duration between half of it and all of it (jitter, so racing
 *     writers spread out)
 * @param maxBackoff the longest pause between attempts
 * @param checkpointInterval a classic checkpoint is written after each commit whose version is a
 *     multiple of this (Delta's default {@code delta.checkpointInterval} is 10)
 * @param tombstoneRetention how long a removed file stays in checkpoints as a tombstone (Delta's
 *     default {@code delta.deletedFileRetentionDuration} is one week)
 */
public record DeltaWriterSettings(
        int maxCommitAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        int checkpointInterval,
        Duration tombstoneRetention) {
    /** 10 attempts, 10 ms to 1 s back-off, a checkpoint every 10 commits, tombstones kept a week. */
    public static final DeltaWriterSettings DEFAULT =
            new DeltaWriterSettings(10, Duration.ofMillis(10), Duration.ofSeconds(1), 10, Duration.ofDays(7));

    public DeltaWriterSettings {
        requireNonNull(initialBackoff, "initialBackoff is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        requireNonNull(tombstoneRetention, "tombstoneRetention is null");
        if (maxCommitAttempts < 1) {
            throw new IllegalArgumentException("maxCommitAttempts must be at least 1: " + maxCommitAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff: " + initialBackoff + ", " + maxBackoff);
        }
        if (checkpointInterval < 1) {
            throw new IllegalArgumentException("checkpointInterval must be at least 1: " + checkpointInterval);
        }
        if (tombstoneRetention.isNegative()) {
            throw new IllegalArgumentException("tombstoneRetention is negative: " + tombstoneRetention);
        }
    }

    /** These settings with another checkpoint interval. */
    public DeltaWriterSettings withCheckpointInterval(int interval) {
        return new DeltaWriterSettings(maxCommitAttempts, initialBackoff, maxBackoff, interval, tombstoneRetention);
    }

    /** These settings with another number of commit attempts. */
    public DeltaWriterSettings withMaxCommitAttempts(int attempts) {
        return new DeltaWriterSettings(attempts, initialBackoff, maxBackoff, checkpointInterval, tombstoneRetention);
    }
}
