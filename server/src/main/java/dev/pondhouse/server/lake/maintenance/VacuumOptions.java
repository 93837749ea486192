package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How {@link TableVacuum} runs.
 *
 * @param retention how long a file stays after it stopped being needed: no file that a snapshot of
 *     the last {@code retention} needs, and no file younger than it, is deleted (Delta's default
 *     {@code delta.deletedFileRetentionDuration} is 7 days). A long-running query or a time-travel
 *     read older than this may find its files gone
 * @param dryRun list what would be deleted without deleting anything
 * @param force allow a retention below {@link TableVacuum#SAFETY_FLOOR}; without it such a run is
 *     refused, because a write in progress (uploaded, not yet committed) or a query planned a moment
 *     ago could lose its files
 */
public record VacuumOptions(Duration retention, boolean dryRun, boolean force) {
    /** A 7-day retention, deleting. */
    public static final VacuumOptions DEFAULT = new VacuumOptions(TableVacuum.DEFAULT_RETENTION, false, false);

    public VacuumOptions {
        requireNonNull(retention, "retention is null");
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention is negative: " + retention);
        }
    }

    /** These options, listing only. */
    public VacuumOptions asDryRun() {
        return new VacuumOptions(retention, true, force);
    }

    /** These options with another retention (still refused below the safety floor unless forced). */
    public VacuumOptions withRetention(Duration newRetention) {
        return new VacuumOptions(newRetention, dryRun, force);
    }

    /** These options, allowing a retention below the safety floor. */
    public VacuumOptions forced() {
        return new VacuumOptions(retention, dryRun, true);
    }
}
