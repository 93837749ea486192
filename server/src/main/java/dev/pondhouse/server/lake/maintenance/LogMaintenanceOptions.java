package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How {@link LogMaintenance} runs.
 *
 * @param logRetention how far back the log keeps every version readable (Delta's default
 *     {@code delta.logRetentionDuration} is 30 days); older commit and checkpoint files are deleted
 *     once a checkpoint at or before the oldest retained version makes them unnecessary
 * @param writeCheckpoint write a checkpoint of the latest version first
 * @param force allow a retention below {@link TableVacuum#SAFETY_FLOOR}; without it such a run is
 *     refused, because readers that listed the log a moment ago may still need the older files
 */
public record LogMaintenanceOptions(Duration logRetention, boolean writeCheckpoint, boolean force) {
    /** Delta's default log retention: 30 days. */
    public static final Duration DEFAULT_LOG_RETENTION = Duration.ofDays(30);
    /** Checkpoint the latest version, then keep 30 days of log. */
    public static final LogMaintenanceOptions DEFAULT = new LogMaintenanceOptions(DEFAULT_LOG_RETENTION, true, false);

    public LogMaintenanceOptions {
        requireNonNull(logRetention, "logRetention is null");
        if (logRetention.isNegative()) {
            throw new IllegalArgumentException("logRetention is negative: " + logRetention);
        }
    }
}
