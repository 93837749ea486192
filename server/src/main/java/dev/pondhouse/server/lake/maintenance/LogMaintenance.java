package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.delta.CheckpointWriter;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.Snapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a table's {@code _delta_log/} short: writes a checkpoint of the latest version
 * ({@link CheckpointWriter}), then deletes the log files no retained version needs, by the Delta
 * protocol's metadata cleanup rules:
 *
 * <ol>
 *   <li>The cutoff commit is the newest commit written at or before {@code now - logRetention} (by
 *       the commit file's last-modified time, the protocol's commit timestamp). Every version from it
 *       on stays readable.
 *   <li>The cutoff checkpoint is the newest classic checkpoint at or before the cutoff commit. Without
 *       one, nothing is deleted. It must read back as a snapshot, and so must the latest version,
 *       or nothing is deleted.
 *   <li>Deleted, oldest version first (so an interrupted run leaves a contiguous log): commit files,
 *       checkpoint files (of any kind) and checksum files of versions before the cutoff checkpoint,
 *       and log compaction files starting at or before it. The cutoff checkpoint, its commit file,
 *       everything after them and {@code _last_checkpoint} stay.
 * </ol>
 *
 * Versions older than the cutoff checkpoint can no longer be read (time travel) afterwards; the data
 * files are not touched (that is {@link TableVacuum}). Only classic checkpoints count as cutoff
 * checkpoints, because they are the ones this server reads.
 *
 * <p>Thread-safe: it holds no mutable state. Constructing it does no I/O.
 */
public final class LogMaintenance {
    private static final Logger log = LoggerFactory.getLogger(LogMaintenance.class);

    private final BlobStore store;
    private final DeltaLog deltaLog;
    private final String tableRoot;
    private final CheckpointWriter checkpointWriter;
    private final Clock clock;

    /**
     * @param store where the table lives
     * @param deltaLog the table's log
     * @param checkpointWriter writes the checkpoint (its tombstone retention decides which removed
     *     files the checkpoint still lists; keep it at least the vacuum retention)
     * @param clock what "now" is
     */
    public LogMaintenance(BlobStore store, DeltaLog deltaLog, CheckpointWriter checkpointWriter, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.deltaLog = requireNonNull(deltaLog, "deltaLog is null");
        this.tableRoot = deltaLog.tableRoot();
        this.checkpointWriter = requireNonNull(checkpointWriter, "checkpointWriter is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Checkpoints the latest version (if asked) and deletes the log files older than the retention
     * that no retained version needs.
     *
     * @param cancelled checked before each delete
     * @param progress told the fraction of files deleted
     * @throws MaintenanceRefusedException if the retention is below the safety floor without force, the
     *     table does not exist, or its log cannot be read; nothing was deleted
     * @throws dev.pondhouse.server.lake.blob.BlobStoreException if a write or delete fails; run again
     */
    public LogMaintenanceResult run(LogMaintenanceOptions options, BooleanSupplier cancelled, ProgressListener progress) {
        requireNonNull(options, "options is null");
        requireNonNull(cancelled, "cancelled is null");
        requireNonNull(progress, "progress is null");
        if (options.logRetention().compareTo(TableVacuum.SAFETY_FLOOR) < 0 && !options.force()) {
            throw new MaintenanceRefusedException(ErrorKind.USER_ERROR, "a log retention of " + options.logRetention()
                    + " is below the safety floor of " + TableVacuum.SAFETY_FLOOR + ": readers that listed the log a"
                    + " moment ago could miss files. Use a longer retention, or force it; nothing was deleted");
        }
        Snapshot latest = readable(() -> deltaLog.latest()).orElseThrow(() -> new MaintenanceRefusedException(
                ErrorKind.NOT_FOUND, "Delta table " + tableRoot + " does not exist; there is no log to maintain"));
        Optional<Long> checkpointVersion = Optional.empty();
        if (options.writeCheckpoint()) {
            progress.report(0, "writing the checkpoint of version " + latest.version());
            checkpointWriter.write(tableRoot, latest);
            checkpointVersion = Optional.of(latest.version());
        }

        long cutoffMillis = clock.millis() - options.logRetention().toMillis();
        LogFolder.Listing listing = LogFolder.list(store, tableRoot);
        Optional<Long> cutoffCheckpoint = listing.newestCommitAtOrBefore(cutoffMillis)
                .flatMap(cutoffCommit -> listing.classicCheckpoints().headMap(cutoffCommit + 1).keySet().stream()
                        .max(Long::compare));
        if (cutoffCheckpoint.isEmpty()) {
            progress.report(1, "no checkpoint older than the retention; nothing to delete");
            return new LogMaintenanceResult(checkpointVersion, Optional.empty(), List.of(), false);
        }
        long checkpoint = cutoffCheckpoint.get();
        // Never cut the log at a checkpoint that does not read back, or when the table cannot be read.
        readable(() -> deltaLog.snapshotAt(checkpoint));
        readable(() -> deltaLog.latest());

        List<LogFolder.Versioned> expired = new ArrayList<>();
        listing.commits().headMap(checkpoint).forEach((version, entry) -> expired.add(new LogFolder.Versioned(version, entry)));
        listing.checkpointFiles().stream().filter(file -> file.version() < checkpoint).forEach(expired::add);
        listing.checksums().stream().filter(file -> file.version() < checkpoint).forEach(expired::add);
        listing.logCompactions().stream().filter(file -> file.version() <= checkpoint).forEach(expired::add);
        expired.sort(Comparator.comparingLong(LogFolder.Versioned::version)
                .thenComparing(file -> file.entry().name()));

        List<String> deleted = new ArrayList<>();
        for (LogFolder.Versioned file : expired) {
            if (cancelled.getAsBoolean()) {
                return new LogMaintenanceResult(checkpointVersion, cutoffCheckpoint, deleted, true);
            }
            store.delete(file.entry().name());
            deleted.add(file.entry().name().substring(tableRoot.length()));
            progress.report((double) deleted.size() / expired.size(), "deleted " + deleted.size() + " of "
                    + expired.size() + " log files");
        }
        log.info("{}: log maintenance deleted {} log files before the checkpoint of version {}", tableRoot,
                deleted.size(), checkpoint);
        progress.report(1, "the log starts at the checkpoint of version " + checkpoint);
        return new LogMaintenanceResult(checkpointVersion, cutoffCheckpoint, deleted, false);
    }

    private <T> T readable(Supplier<T> read) {
        try {
            return read.get();
        } catch (PondhouseException | IllegalArgumentException e) {
            ErrorKind kind = e instanceof PondhouseException failure ? failure.kind() : ErrorKind.INTERNAL;
            throw new MaintenanceRefusedException(kind, "cannot read the Delta log of " + tableRoot + " (" + e.getMessage()
                    + "); log maintenance deletes only what a readable log makes unnecessary, so nothing was deleted", e);
        }
    }
}
