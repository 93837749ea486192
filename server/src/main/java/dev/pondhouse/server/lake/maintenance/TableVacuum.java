package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.BlobStoreException;
import dev.pondhouse.server.lake.delta.Action;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.RemoveFile;
import dev.pondhouse.server.lake.delta.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the data files of a Delta table that no snapshot within the retention needs: files the
 * table removed before the retention window, and orphans (files under the table root that no retained
 * snapshot refers to, such as the uploads of writes that failed or were killed before their commit).
 *
 * <p><b>What is kept.</b> With {@code cutoff = now - retention}, the snapshots that need keeping are
 * the one current at the cutoff (the newest commit written at or before it, by the commit file's
 * last-modified time, which the Delta protocol uses as the commit time) and every later one. A file is
 * needed if it is in the first of them or added by a later commit; for good measure also if the
 * current snapshot has a tombstone for it removed at or after the cutoff. Needed files, files last
 * modified after the cutoff (a write in progress uploads before it commits), everything under
 * {@code _delta_log/}, and hidden paths (a folder or file name starting with {@code _} or {@code .}
 * that is not a partition folder {@code <column>=<value>}, as in Delta's own vacuum) are never
 * deleted. Just before deleting, the latest snapshot is read again and its files are kept too.
 *
 * <p><b>Refusals.</b> Nothing is deleted when it is not certain what is safe: a retention below
 * {@link #SAFETY_FLOOR} without {@link VacuumOptions#force()}, a table without commits, a log that
 * cannot be read (a gap, a corrupt commit or checkpoint, an unavailable store), or a log that refers to
 * data files by absolute paths. Each throws {@link MaintenanceRefusedException}.
 *
 * <p><b>Failures.</b> Deletes are idempotent, so a run that failed or was cancelled half way can simply
 * run again. Data is only lost if a snapshot older than the retention is read, which is what the
 * retention promises.
 *
 * <p>Thread-safe: it holds no mutable state. Constructing it does no I/O.
 */
public final class TableVacuum {
    /** Delta's default {@code delta.deletedFileRetentionDuration}: 7 days. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    /** Retentions shorter than this are refused unless forced. */
    public static final Duration SAFETY_FLOOR = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(TableVacuum.class);

    private final BlobStore store;
    private final DeltaLog deltaLog;
    private final String tableRoot;
    private final CommitFileFormat format;
    private final Clock clock;

    /**
     * @param store where the table lives
     * @param deltaLog the table's log (its root is the folder vacuumed)
     * @param format reads commit files
     * @param clock what "now" is
     */
    public TableVacuum(BlobStore store, DeltaLog deltaLog, CommitFileFormat format, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.deltaLog = requireNonNull(deltaLog, "deltaLog is null");
        this.tableRoot = deltaLog.tableRoot();
        this.format = requireNonNull(format, "format is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Deletes (or, in a dry run, lists) the files no retained snapshot needs.
     *
     * @param cancelled checked before each delete; when it answers true the run stops and reports
     *     what it deleted so far
     * @param progress told the fraction of files deleted
     * @throws MaintenanceRefusedException if it is not safe to run; nothing was deleted
     * @throws BlobStoreException if a delete fails; the files listed before it were deleted, run again
     */
    public VacuumResult vacuum(VacuumOptions options, BooleanSupplier cancelled, ProgressListener progress) {
        requireNonNull(options, "options is null");
        requireNonNull(cancelled, "cancelled is null");
        requireNonNull(progress, "progress is null");
        if (options.retention().compareTo(SAFETY_FLOOR) < 0 && !options.force()) {
            throw new MaintenanceRefusedException(ErrorKind.USER_ERROR, "a vacuum retention of " + options.retention()
                    + " is below the safety floor of " + SAFETY_FLOOR + ": files of writes in progress and of"
                    + " queries planned a moment ago could be deleted. Use a longer retention, or force it if no"
                    + " write or query can be running; nothing was deleted");
        }
        Instant cutoff = clock.instant().minus(options.retention());
        progress.report(0, "reading the log of " + tableRoot);
        NeededFiles needed = readingLog(() -> neededFiles(cutoff));
        List<VacuumResult.DeletedFile> candidates = candidates(needed, cutoff);
        if (options.dryRun()) {
            progress.report(1, candidates.size() + " files would be deleted");
            return new VacuumResult(needed.version(), cutoff, true, candidates, false);
        }
        Set<String> current = readingLog(() -> activePaths(deltaLog.latest().orElseThrow()));
        List<VacuumResult.DeletedFile> deleted = new ArrayList<>();
        for (VacuumResult.DeletedFile file : candidates) {
            if (current.contains(file.path())) {
                continue;
            }
            if (cancelled.getAsBoolean()) {
                log.info("{}: vacuum cancelled after deleting {} files", tableRoot, deleted.size());
                return new VacuumResult(needed.version(), cutoff, false, deleted, true);
            }
            store.delete(tableRoot + file.path());
            deleted.add(file);
            progress.report((double) deleted.size() / candidates.size(), "deleted " + deleted.size() + " of "
                    + candidates.size() + " files");
        }
        log.info("{}: vacuum deleted {} files ({} bytes) not needed since {}", tableRoot, deleted.size(),
                deleted.stream().mapToLong(VacuumResult.DeletedFile::size).sum(), cutoff);
        progress.report(1, "deleted " + deleted.size() + " files");
        return new VacuumResult(needed.version(), cutoff, false, deleted, false);
    }

    /** The paths the retained snapshots need, and the paths the log records as removed. */
    private record NeededFiles(long version, Set<String> paths, Set<String> removed) {}

    private NeededFiles neededFiles(Instant cutoff) {
        LogFolder.Listing listing = LogFolder.list(store, tableRoot);
        if (listing.commits().isEmpty() && listing.classicCheckpoints().isEmpty()) {
            throw new MaintenanceRefusedException(ErrorKind.NOT_FOUND, tableRoot + " has no Delta log; vacuum deletes"
                    + " only in Delta tables, so nothing was deleted");
        }
        Snapshot latest = deltaLog.latest().orElseThrow(() -> new MaintenanceRefusedException(ErrorKind.NOT_FOUND,
                tableRoot + " has no readable Delta snapshot; nothing was deleted"));
        long oldest = listing.oldestReconstructable().orElseThrow(() -> new MaintenanceRefusedException(
                ErrorKind.INTERNAL, "the Delta log of " + tableRoot + " has neither version 0 nor a checkpoint;"
                        + " nothing was deleted"));
        long first = Math.max(oldest, listing.newestCommitAtOrBefore(cutoff.toEpochMilli()).orElse(oldest));
        first = Math.min(first, latest.version());

        Set<String> paths = new HashSet<>();
        Set<String> removed = new HashSet<>();
        Snapshot start = deltaLog.snapshotAt(first);
        addPaths(start.activeFiles(), paths);
        for (RemoveFile tombstone : start.tombstones()) {
            removed.add(requireRelative(tombstone.path()));
            // Removed after the cutoff but before the oldest version the log still has: keep it anyway.
            if (tombstone.deletionTimestamp().orElse(Long.MAX_VALUE) >= cutoff.toEpochMilli()) {
                paths.add(tombstone.path());
            }
        }
        for (long version = first + 1; version <= latest.version(); version++) {
            String name = tableRoot + DeltaLog.commitFileName(version);
            for (Action action : format.parse(store.read(name), name)) {
                if (action instanceof AddFile add) {
                    paths.add(requireRelative(add.path()));
                } else if (action instanceof RemoveFile remove) {
                    removed.add(requireRelative(remove.path()));
                }
            }
        }
        addPaths(latest.activeFiles(), paths);
        for (RemoveFile tombstone : latest.tombstones()) {
            removed.add(requireRelative(tombstone.path()));
            if (tombstone.deletionTimestamp().orElse(Long.MAX_VALUE) >= cutoff.toEpochMilli()) {
                paths.add(tombstone.path());
            }
        }
        return new NeededFiles(latest.version(), paths, removed);
    }

    private List<VacuumResult.DeletedFile> candidates(NeededFiles needed, Instant cutoff) {
        List<VacuumResult.DeletedFile> candidates = new ArrayList<>();
        for (BlobEntry entry : store.list(tableRoot)) {
            String path = entry.name().substring(tableRoot.length());
            if (path.startsWith(DeltaLog.LOG_FOLDER) || isHidden(path) || needed.paths().contains(path)
                    || entry.lastModified().isAfter(cutoff)) {
                continue;
            }
            candidates.add(new VacuumResult.DeletedFile(path, entry.size(), entry.lastModified(),
                    needed.removed().contains(path) ? VacuumResult.Reason.REMOVED : VacuumResult.Reason.ORPHAN));
        }
        return candidates;
    }

    /** Whether a folder or the file name of {@code path} is hidden: starts with {@code _} or {@code .} and is not {@code <column>=<value>}. */
    static boolean isHidden(String path) {
        for (String segment : path.split("/")) {
            if ((segment.startsWith("_") || segment.startsWith(".")) && !segment.contains("=")) {
                return true;
            }
        }
        return false;
    }

    private static void addPaths(List<AddFile> files, Set<String> paths) {
        files.forEach(file -> paths.add(requireRelative(file.path())));
    }

    private static Set<String> activePaths(Snapshot snapshot) {
        Set<String> paths = new HashSet<>();
        addPaths(snapshot.activeFiles(), paths);
        return paths;
    }

    private static String requireRelative(String path) {
        if (DataFilePaths.isAbsolute(path)) {
            throw new MaintenanceRefusedException(ErrorKind.UNSUPPORTED, "the Delta log refers to the data file " + path
                    + " by an absolute path; vacuum cannot tell whether that file is under the table root, so"
                    + " nothing was deleted");
        }
        return path;
    }

    /** Runs a read of the log; any failure to read it becomes a refusal. */
    private <T> T readingLog(Supplier<T> read) {
        try {
            return read.get();
        } catch (MaintenanceRefusedException e) {
            throw e;
        } catch (PondhouseException | IllegalArgumentException e) {
            ErrorKind kind = e instanceof PondhouseException failure ? failure.kind() : ErrorKind.INTERNAL;
            throw new MaintenanceRefusedException(kind, "cannot read the Delta log of " + tableRoot + " ("
                    + e.getMessage() + "); vacuum deletes only what the log proves unneeded, so nothing was deleted", e);
        }
    }
}
