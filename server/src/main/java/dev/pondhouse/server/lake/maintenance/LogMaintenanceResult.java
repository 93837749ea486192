package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What one {@link LogMaintenance#run} did.
 *
 * @param checkpointVersion the version checkpointed, if a checkpoint was asked for
 * @param cutoffCheckpoint the checkpoint the log now starts from: the newest classic checkpoint at or
 *     before the newest commit older than the retention; empty if there is none, and then nothing
 *     was deleted
 * @param deletedFiles the log files deleted (names relative to the table root), oldest version first
 * @param cancelled whether the run stopped early because it was cancelled
 */
public record LogMaintenanceResult(Optional<Long> checkpointVersion, Optional<Long> cutoffCheckpoint,
        List<String> deletedFiles, boolean cancelled) {
    public LogMaintenanceResult {
        requireNonNull(checkpointVersion, "checkpointVersion is null");
        requireNonNull(cutoffCheckpoint, "cutoffCheckpoint is null");
        deletedFiles = List.copyOf(deletedFiles);
    }
}
