package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.DeltaSchemas;
import dev.pondhouse.server.lake.delta.DeltaTableWriter;
import dev.pondhouse.server.lake.delta.DeltaWriteException;
import dev.pondhouse.server.lake.delta.Snapshot;
import dev.pondhouse.server.lake.delta.TableData;
import dev.pondhouse.server.lake.delta.WriteRequest;
import dev.pondhouse.server.lake.delta.WriteResult;
import dev.pondhouse.server.lake.maintenance.CompactionPlanner.PartitionPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts a Delta table: per partition, rewrites the small data files into files near a target size
 * ({@link CompactionPlanner} decides which, {@link CompactionSettings} how big), and commits each
 * batch of rewrites as one {@link WriteRequest#rewrite} ({@code dataChange = false}) that removes the
 * small files and adds the new ones.
 *
 * <p><b>Row order.</b> A bin's files are read in commit order (modification time, then path) and
 * each file's rows in file order ({@link BinRewriter}): DuckDB scans the files as one {@code read_parquet} list and
 * {@code COPY ... (FORMAT parquet)} writes the rows in scan order, with
 * {@code preserve_insertion_order} on for the statement (DuckDB's order preservation for a single
 * table scan; no sort). The new files of one commit get increasing modification times in bin order,
 * after every file the run left alone.
 *
 * <p><b>Concurrency.</b> Safe next to appends, including into the partitions being compacted: a
 * rewrite names exactly the files it replaces and never conflicts with appends, so rows appended
 * meanwhile stay in their own files. A concurrent commit that removed one of those files (another
 * compaction, an overwrite, a partition replacement) makes the rewrite conflict; it is reported in
 * {@link CompactionResult#partitionsConflicted()} and the run goes on with the next batch. Rows
 * appended during a run sort before the run's new files by modification time, although written after
 * their rows.
 *
 * <p><b>Uncommitted files.</b> On a local store a bin's new file is written straight into the table's
 * folder under its final name ({@link DeltaTableWriter#newDataFilePath}), flushed, and committed
 * where it is; on other stores it is written locally and uploaded by the writer. Files a run wrote
 * into the table's folder and surely did not commit (cancelled, failed before the commit, or a commit
 * that conflicted or failed with a certain outcome) are deleted by the run; those of a commit with an
 * unknown outcome, of a run that died, and the writer's uploads of a commit that did not happen stay
 * as orphans for {@link TableVacuum}.
 *
 * <p><b>Resources.</b> The DuckDB connection is the caller's (the jobs instance, which may write local
 * files); it is used by one run only. A bin's small files are read in place from a {@code LocalBlobStore}
 * ({@link #local}), or else from copies in the disk cache, pinned while the bin is rewritten and then
 * left to the cache's budget ({@link #cached}); off a local store, the rewritten files of a batch stay in the work directory until the batch's
 * commit settles (at most {@link CompactionSettings#maxBytesPerCommit()} of input).
 *
 * <p>Thread-safe: concurrent runs use their own folders; a connection must not be shared. Constructing
 * it does no I/O.
 */
public final class TableCompactor {
    private static final Logger log = LoggerFactory.getLogger(TableCompactor.class);

    private final DeltaTableWriter writer;
    private final String tableRoot;
    private final Path workDirectory;
    private final CompactionSettings settings;
    private final BinRewriter rewriter;

    private TableCompactor(BlobStore store, DeltaTableWriter writer, Path workDirectory, CompactionSettings settings,
            DataFileSource dataFiles) {
        requireNonNull(store, "store is null");
        this.writer = requireNonNull(writer, "writer is null");
        this.tableRoot = writer.log().tableRoot();
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.rewriter = new BinRewriter(store, tableRoot, requireNonNull(dataFiles, "dataFiles is null"));
    }

    /**
     * A compactor of a table in a local folder: it reads the small files in place and writes the new
     * ones straight into the table's folder ({@link InPlaceDataFiles}).
     *
     * @param store the local store the table lives in (the store of {@code writer})
     * @param writer writes the table; its log is where the run plans from
     * @param workDirectory a local folder for the run (created when needed)
     * @param settings target and small file sizes
     */
    public static TableCompactor local(LocalBlobStore store, DeltaTableWriter writer, Path workDirectory,
            CompactionSettings settings) {
        return new TableCompactor(store, writer, workDirectory, settings, new InPlaceDataFiles(store));
    }

    /**
     * A compactor of a table in a store that is not local (an Azure container): it reads the small
     * files from copies in {@code cache} under {@code cacheNamespace} (the keys the serving catalog
     * uses, so files cached for serving are not downloaded again), pinned while their bin is rewritten,
     * and writes the new files into {@code workDirectory} for the writer to upload ({@link CachedDataFiles}).
     *
     * @param store the store the table lives in (the store of {@code writer})
     * @param cache the started cache of the store's data files
     * @param cacheNamespace the cache namespace of the store's data files
     * @param writer writes the table; its log is where the run plans from
     * @param workDirectory a local folder for the rewritten files (created when needed)
     * @param settings target and small file sizes
     */
    public static TableCompactor cached(BlobStore store, DiskCache cache, String cacheNamespace, DeltaTableWriter writer,
            Path workDirectory, CompactionSettings settings) {
        return new TableCompactor(store, writer, workDirectory, settings, new CachedDataFiles(store, cache, cacheNamespace));
    }

    /**
     * Compacts the table as it is now.
     *
     * @param duckdb the jobs DuckDB connection, which may read and write local files; used by this call only
     * @param cancelled checked before each bin; when it answers true the run stops, dropping the batch
     *     not yet committed, and reports {@code cancelled}
     * @param progress told the fraction of small-file bytes rewritten
     * @throws MaintenanceRefusedException if the table does not exist or cannot be compacted safely
     * @throws dev.pondhouse.server.lake.delta.DeltaLogException if the log cannot be read
     * @throws DeltaWriteException if a commit fails other than by a conflict (an unknown outcome, a store failure)
     */
    public CompactionResult compact(Connection duckdb, BooleanSupplier cancelled, ProgressListener progress) {
        requireNonNull(duckdb, "duckdb is null");
        requireNonNull(cancelled, "cancelled is null");
        requireNonNull(progress, "progress is null");
        Snapshot snapshot = writer.log().latest().orElseThrow(() -> new MaintenanceRefusedException(ErrorKind.NOT_FOUND,
                "Delta table " + tableRoot + " does not exist; there is nothing to compact"));
        TableColumns columns = TableColumns.of(snapshot);
        CompactionPlanner.Plan plan = CompactionPlanner.plan(snapshot, settings);
        Run run = new Run(snapshot.version(), plan, progress);
        if (plan.partitions().isEmpty()) {
            progress.report(1, "nothing to compact: " + plan.skippedPartitions() + " partitions are compact");
            return run.result(false);
        }
        Path folder = createFolder();
        Batch batch = new Batch();
        try {
            for (PartitionPlan partition : plan.partitions()) {
                for (List<AddFile> bin : partition.bins()) {
                    if (cancelled.getAsBoolean()) {
                        log.info("{}: compaction cancelled; {} rewritten files not committed", tableRoot, batch.files.size());
                        return run.result(true);
                    }
                    long binBytes = bin.stream().mapToLong(AddFile::size).sum();
                    if (!batch.isEmpty() && batch.inputBytes + binBytes > settings.maxBytesPerCommit()) {
                        commit(duckdb, batch, columns, run);
                        batch = new Batch();
                    }
                    TableData.StagedFile output = rewriter.rewrite(duckdb, folder, partition, bin, batch.files.size(),
                            snapshot.metadata().partitionColumns());
                    batch.add(partition, bin, output, binBytes);
                    run.rewritten(binBytes);
                }
            }
            if (!batch.isEmpty()) {
                commit(duckdb, batch, columns, run);
            }
            progress.report(1, "compacted " + run.partitionsCompacted.size() + " partitions");
            return run.result(false);
        } finally {
            if (!batch.committing) {
                // Cancelled or failed before this batch's commit: its files in the store surely are orphans.
                rewriter.deleteOutputs(batch.files);
            }
            BinRewriter.deleteFolder(folder);
        }
    }

    private void commit(Connection duckdb, Batch batch, TableColumns columns, Run run) {
        List<DeltaSchemas.Column> declared;
        try {
            declared = columns.declared(BinRewriter.columns(duckdb, batch.files.get(0).file()));
        } catch (SQLException e) {
            throw new DeltaWriteException(DeltaWriteException.Reason.FAILED, "cannot read a rewritten file of Delta table "
                    + tableRoot + ": " + e.getMessage(), e);
        }
        long bytesAfter = batch.files.stream().mapToLong(file -> size(file.file())).sum();
        WriteRequest request = WriteRequest.rewrite(new TableData.StagedFiles(Optional.of(declared), batch.files),
                batch.replaced);
        batch.committing = true;
        try {
            WriteResult result = writer.write(duckdb, request);
            run.committed(batch, result.version(), bytesAfter);
            log.info("{}: compaction committed version {}: {} files ({} bytes) replaced by {} ({} bytes)", tableRoot,
                    result.version(), batch.replaced.size(), batch.inputBytes, batch.files.size(), bytesAfter);
        } catch (DeltaWriteException e) {
            if (e.reason() != DeltaWriteException.Reason.OUTCOME_UNKNOWN) {
                // Surely not committed: the files written into the table's folder are nobody's.
                rewriter.deleteOutputs(batch.files);
            }
            if (e.reason() != DeltaWriteException.Reason.CONFLICT) {
                throw e;
            }
            run.conflicted(batch, e.getMessage());
            log.info("{}: a compaction commit conflicted and was dropped: {}", tableRoot, e.getMessage());
        }
        for (TableData.StagedFile file : batch.files) {
            if (file.tablePath().isEmpty()) {
                BinRewriter.deleteQuietly(file.file());
            }
        }
    }

    private Path createFolder() {
        try {
            Files.createDirectories(workDirectory);
            return Files.createTempDirectory(workDirectory, "compaction-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder in " + workDirectory, e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file, e);
        }
    }

    /** The rewrites of one commit. */
    private static final class Batch {
        final List<TableData.StagedFile> files = new ArrayList<>();
        final Set<String> replaced = new LinkedHashSet<>();
        final Set<Map<String, Optional<String>>> partitions = new LinkedHashSet<>();
        long inputBytes;
        /** Set once the batch is handed to the writer; from then on only the commit's outcome decides its files' fate. */
        boolean committing;

        boolean isEmpty() {
            return files.isEmpty();
        }

        void add(PartitionPlan partition, List<AddFile> bin, TableData.StagedFile output, long bytes) {
            files.add(output);
            bin.forEach(file -> replaced.add(file.path()));
            partitions.add(partition.partitionValues());
            inputBytes += bytes;
        }
    }

    /** What a run did so far. Used by the run's thread only. */
    private static final class Run {
        final long readVersion;
        final CompactionPlanner.Plan plan;
        final ProgressListener progress;
        final long totalBytes;
        final Set<Map<String, Optional<String>>> partitionsCompacted = new HashSet<>();
        final Set<Map<String, Optional<String>>> partitionsConflicted = new HashSet<>();
        final List<Long> versions = new ArrayList<>();
        final List<String> conflicts = new ArrayList<>();
        long rewrittenBytes;
        int filesRemoved;
        int filesAdded;
        long bytesBefore;
        long bytesAfter;

        Run(long readVersion, CompactionPlanner.Plan plan, ProgressListener progress) {
            this.readVersion = readVersion;
            this.plan = plan;
            this.progress = progress;
            this.totalBytes = Math.max(1, plan.bytes());
        }

        void rewritten(long bytes) {
            rewrittenBytes += bytes;
            progress.report(Math.min(0.99, (double) rewrittenBytes / totalBytes),
                    "rewrote " + rewrittenBytes + " of " + plan.bytes() + " bytes of small files");
        }

        void committed(Batch batch, long version, long outputBytes) {
            versions.add(version);
            partitionsCompacted.addAll(batch.partitions);
            filesRemoved += batch.replaced.size();
            filesAdded += batch.files.size();
            bytesBefore += batch.inputBytes;
            bytesAfter += outputBytes;
        }

        void conflicted(Batch batch, String reason) {
            partitionsConflicted.addAll(batch.partitions);
            conflicts.add(reason);
        }

        CompactionResult result(boolean cancelled) {
            return new CompactionResult(readVersion, partitionsCompacted.size(), plan.skippedPartitions(),
                    partitionsConflicted.size(), filesRemoved, filesAdded, bytesBefore, bytesAfter, versions, conflicts,
                    cancelled);
        }
    }
}
