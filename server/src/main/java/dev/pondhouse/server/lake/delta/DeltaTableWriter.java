package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobName;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.BlobStoreException;
import dev.pondhouse.server.lake.delta.DataFileStager.StagedData;
import dev.pondhouse.server.lake.delta.DataFileStager.StagedDataFile;
import dev.pondhouse.server.lake.delta.DeltaWriteException.Reason;
import dev.pondhouse.server.lake.delta.WriteRequest.AppTransaction;
import dev.pondhouse.server.lake.delta.WriteRequest.Mode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one Delta table: create, append, overwrite, replace partitions, rewrite (compaction), merge
 * (copy-on-write of an upsert), each as exactly one atomic commit. A write stages the new rows as Parquet ({@link DataFileStager}),
 * uploads each file under a unique name {@code [<col>=<value>/...]part-<uuid>.parquet}
 * ({@link PartitionPaths}) — or takes a file the caller already wrote into the table's folder where it
 * is ({@link TableData.StagedFile#tablePath()}) — and then commits {@code add} actions (with partition values, size and
 * exact statistics), the {@code remove} actions of what it replaces, and optionally a {@code txn},
 * with optimistic concurrency ({@link OptimisticCommitter}, {@link ConflictChecker}). Readers see
 * the table before or after the commit, never in between.
 *
 * <p><b>Failures.</b> {@link DeltaWriteException} says whether the write surely did not commit
 * (every reason but {@code OUTCOME_UNKNOWN}) or might have. Data files uploaded by a write that did
 * not commit are orphans no snapshot references; they are left for vacuum, never deleted here
 * (when the outcome is unknown, deleting them could break a committed table). The local staging
 * folder of a query is deleted once the outcome is known, and kept when it is not.
 *
 * <p><b>Checkpoints.</b> After a commit whose version is a multiple of
 * {@link DeltaWriterSettings#checkpointInterval()}, a classic checkpoint of that version is written
 * ({@link CheckpointWriter}). That is best effort: a failure is logged and the write still succeeds.
 *
 * <p><b>Types.</b> The table schema comes from DuckDB's column types ({@link DeltaSchemas}):
 * {@code TIMESTAMP} is stored as Delta {@code timestamp}; types without a Delta equivalent are
 * refused naming the column. An append, partition replacement or rewrite must match the table's
 * schema exactly (by column name and type); an overwrite may change it.
 *
 * <p>Thread-safe: any number of writers (threads, processes, servers) may write one table at once;
 * a DuckDB connection passed to {@link #write} is used only by that call. Constructing it does no I/O.
 */
public final class DeltaTableWriter {
    private static final Logger log = LoggerFactory.getLogger(DeltaTableWriter.class);

    private final BlobStore store;
    private final String tableRoot;
    private final DeltaLog deltaLog;
    private final Clock clock;
    private final DeltaWriterSettings settings;
    private final DataFileStager stager;
    private final OptimisticCommitter committer;
    private final CheckpointWriter checkpointWriter;
    private final CommittedFiles committedFiles;

    /**
     * @param store where the table lives
     * @param tableRoot the table's folder in the store, ending with {@code /}
     * @param format the commit file codec
     * @param checkpointReader reads the table's checkpoints
     * @param workDirectory a local folder for staged data files and checkpoints being written
     * @param clock for commit, file and tombstone times
     * @param settings attempts, back-off and checkpoint interval
     */
    public DeltaTableWriter(BlobStore store, String tableRoot, CommitFileFormat format, CheckpointReader checkpointReader,
            Path workDirectory, Clock clock, DeltaWriterSettings settings) {
        this(store, tableRoot, format, checkpointReader, workDirectory, clock, settings, CommittedFiles.NONE);
    }

    /**
     * A writer that tells {@code committedFiles} about the data files of each commit, with their
     * staged local copies (see {@link CommittedFiles}); the other parameters as above.
     */
    public DeltaTableWriter(BlobStore store, String tableRoot, CommitFileFormat format, CheckpointReader checkpointReader,
            Path workDirectory, Clock clock, DeltaWriterSettings settings, CommittedFiles committedFiles) {
        this.committedFiles = requireNonNull(committedFiles, "committedFiles is null");
        this.store = requireNonNull(store, "store is null");
        this.tableRoot = requireNonNull(tableRoot, "tableRoot is null");
        this.deltaLog = new DeltaLog(store, tableRoot, format, checkpointReader);
        this.clock = requireNonNull(clock, "clock is null");
        this.settings = requireNonNull(settings, "settings is null");
        requireNonNull(workDirectory, "workDirectory is null");
        this.stager = new DataFileStager(workDirectory.resolve("staging"));
        this.committer = new OptimisticCommitter(deltaLog, settings);
        this.checkpointWriter = new CheckpointWriter(store, format, workDirectory.resolve("checkpoints"), clock,
                settings.tombstoneRetention());
    }

    /** The table's log, to read snapshots. */
    public DeltaLog log() {
        return deltaLog;
    }

    /**
     * Performs {@code request} as one commit.
     *
     * @param duckdb a DuckDB connection that may read the caller's sources and write local files:
     *     it runs a {@link TableData.Query} and computes file statistics; used by this call only
     * @return committed (with the version), or already applied (its {@code txn} was in the table)
     * @throws DeltaWriteException if it did not commit, or might not have ({@code OUTCOME_UNKNOWN})
     * @throws DeltaLogException if the table's log cannot be read or needs a newer writer
     */
    public WriteResult write(Connection duckdb, WriteRequest request) {
        requireNonNull(duckdb, "duckdb is null");
        requireNonNull(request, "request is null");
        Optional<Snapshot> current = readSnapshot(request.readVersion());
        requireModeFits(request.mode(), current);
        Optional<Long> appliedIn = appliedIn(current, request.transactions());
        if (appliedIn.isPresent()) {
            return new WriteResult(WriteResult.Outcome.ALREADY_APPLIED, appliedIn.get(), 0, 0, 0);
        }
        List<String> partitionColumns = request.partitionColumns()
                .orElseGet(() -> current.map(snapshot -> snapshot.metadata().partitionColumns()).orElse(List.of()));
        if (request.mode() == Mode.REPLACE_PARTITIONS && partitionColumns.isEmpty()) {
            throw new DeltaWriteException(Reason.INVALID_INPUT, "Delta table " + tableRoot + " is not partitioned, so it"
                    + " has no partitions to replace; overwrite it instead");
        }
        StagedData staged = stager.stage(duckdb, request.data(), partitionColumns);
        WriteResult result;
        try {
            result = commit(request, current, partitionColumns, staged);
        } catch (RuntimeException e) {
            boolean outcomeUnknown = e instanceof DeltaWriteException failure && failure.reason() == Reason.OUTCOME_UNKNOWN;
            if (!outcomeUnknown) {
                try {
                    staged.ownFolder().ifPresent(DeltaTableWriter::deleteStagingFolder);
                } catch (UncheckedIOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
        try {
            staged.ownFolder().ifPresent(DeltaTableWriter::deleteStagingFolder);
        } catch (UncheckedIOException e) {
            // The write committed; a leftover local folder must not make it look failed.
            log.warn("{}: committed version {}, but the staging folder could not be deleted", tableRoot,
                    result.version(), e);
        }
        return result;
    }

    private WriteResult commit(WriteRequest request, Optional<Snapshot> current, List<String> partitionColumns,
            StagedData staged) {
        long now = clock.millis();
        List<Action> actions = new ArrayList<>();
        CommitInfo commitInfo = CommitInfo.of(now, operation(request.mode()), operationParameters(request, partitionColumns));
        actions.add(commitInfo);
        String schemaString = DeltaSchemas.schemaString(staged.columns());
        if (current.isEmpty()) {
            actions.add(Protocol.READER_1_WRITER_2);
            actions.add(Metadata.newTable(schemaString, partitionColumns, now));
        } else if (request.mode() == Mode.OVERWRITE) {
            Metadata old = current.get().metadata();
            if (!old.schemaString().equals(schemaString) || !old.partitionColumns().equals(partitionColumns)) {
                actions.add(new Metadata(old.id(), old.name(), old.description(), old.format(), schemaString,
                        partitionColumns, old.configuration(), old.createdTime()));
            }
        } else {
            List<String> differences = DeltaSchemas.differences(current.get().metadata().schemaString(), staged.columns());
            if (!differences.isEmpty()) {
                throw new DeltaWriteException(Reason.INVALID_INPUT, "the data does not match the schema of Delta table "
                        + tableRoot + ": " + String.join("; ", differences)
                        + ". Append only data with the table's columns, or overwrite the table to change its schema");
            }
        }
        request.transactions().forEach(transaction -> actions.add(
                new Transaction(transaction.appId(), transaction.version(), Optional.of(now))));
        ConflictChecker.Footprint footprint = footprint(request, current, staged);
        boolean dataChange = request.mode() != Mode.REWRITE;
        Map<String, AddFile> currentFiles = current.map(snapshot -> snapshot.activeFiles().stream()
                .collect(Collectors.toMap(AddFile::path, file -> file))).orElse(Map.of());
        footprint.removedFiles().stream().sorted().forEach(path ->
                actions.add(RemoveFile.of(currentFiles.get(path), now, dataChange)));
        List<AddFile> added = upload(staged, partitionColumns, dataChange, currentFiles.keySet());
        actions.addAll(added);

        long readVersion = current.map(Snapshot::version).orElse(-1L);
        OptimisticCommitter.Outcome outcome = committer.commit(readVersion, footprint, actions,
                commitInfo.commitId().orElseThrow(), request.transactions());
        if (!outcome.committed()) {
            log.info("{}: transactions {} were applied concurrently in version {}; the uploaded files are orphans",
                    tableRoot, request.transactions(), outcome.version());
            return new WriteResult(WriteResult.Outcome.ALREADY_APPLIED, outcome.version(), 0, 0, outcome.attempts());
        }
        tellCommitted(staged, added, outcome.version());
        writeCheckpointIfDue(outcome.version());
        return new WriteResult(WriteResult.Outcome.COMMITTED, outcome.version(), staged.files().size(), staged.rows(),
                outcome.attempts());
    }

    private ConflictChecker.Footprint footprint(WriteRequest request, Optional<Snapshot> current, StagedData staged) {
        List<AddFile> files = current.map(Snapshot::activeFiles).orElse(List.of());
        return switch (request.mode()) {
            case CREATE, APPEND -> ConflictChecker.Footprint.BLIND_APPEND;
            case OVERWRITE -> new ConflictChecker.Footprint(true, Set.of(), Set.of(), paths(files.stream()));
            case REPLACE_PARTITIONS -> {
                Set<Map<String, Optional<String>>> partitions = staged.files().stream()
                        .map(file -> PartitionPaths.normalize(file.partitionValues()))
                        .collect(Collectors.toSet());
                Set<String> replaced = paths(files.stream()
                        .filter(file -> partitions.contains(PartitionPaths.normalize(file.partitionValues()))));
                yield new ConflictChecker.Footprint(false, partitions, replaced, replaced);
            }
            case REWRITE -> {
                requireActive(files, request.replacedFiles());
                yield new ConflictChecker.Footprint(false, Set.of(), request.replacedFiles(), request.replacedFiles());
            }
            case MERGE -> {
                requireActive(files, request.replacedFiles());
                yield new ConflictChecker.Footprint(true, Set.of(), request.replacedFiles(), request.replacedFiles());
            }
        };
    }

    private void requireActive(List<AddFile> files, Set<String> replaced) {
        Set<String> active = paths(files.stream());
        List<String> missing = replaced.stream().filter(path -> !active.contains(path)).sorted().toList();
        if (!missing.isEmpty()) {
            throw new DeltaWriteException(Reason.CONFLICT, "the files to replace are not in Delta table "
                    + tableRoot + " (any more): " + missing);
        }
    }

    /**
     * The path, relative to the table's root, of a new data file with these partition values:
     * {@code [<column>=<value>/...]part-<uuid>.parquet} ({@link PartitionPaths}), unique.
     *
     * @param partitionColumns the table's partition columns, in the table's order
     * @param partitionValues a value for each of them
     */
    public static String newDataFilePath(List<String> partitionColumns, Map<String, Optional<String>> partitionValues) {
        return PartitionPaths.folder(partitionColumns, PartitionPaths.normalize(partitionValues)) + "part-"
                + UUID.randomUUID() + ".parquet";
    }

    /**
     * Uploads every staged file under a new unique name, or checks that a file the caller wrote into
     * the table's folder is there; the {@code add} actions for them. Their modification times
     * increase strictly in staging order, so the order of the files of one commit stays known
     * (compaction keeps rows in the order of their files' modification times).
     */
    private List<AddFile> upload(StagedData staged, List<String> partitionColumns, boolean dataChange,
            Set<String> currentPaths) {
        List<AddFile> adds = new ArrayList<>();
        Set<String> names = new HashSet<>();
        long previousModificationTime = Long.MIN_VALUE;
        for (StagedDataFile file : staged.files()) {
            String path = file.tablePath().orElseGet(() -> newDataFilePath(partitionColumns, file.partitionValues()));
            if (!names.add(path)) {
                throw file.tablePath().isPresent()
                        ? new DeltaWriteException(Reason.INVALID_INPUT, "two staged files are at " + path)
                        : new IllegalStateException("two staged files got the name " + path);
            }
            if (file.tablePath().isPresent()) {
                requireInTableFolder(path, file, partitionColumns, currentPaths);
            } else {
                try {
                    store.upload(BlobName.requireValid(tableRoot + path), file.localFile());
                } catch (BlobStoreException e) {
                    throw new DeltaWriteException(e.blobKind() == BlobStoreException.Kind.INVALID_NAME
                            ? Reason.INVALID_INPUT : Reason.FAILED, "cannot upload a data file of Delta table " + tableRoot
                            + "; nothing was committed: " + e.getMessage(), e);
                }
            }
            long modificationTime = Math.max(clock.millis(), previousModificationTime + 1);
            previousModificationTime = modificationTime;
            adds.add(new AddFile(path, file.partitionValues(), file.size(), modificationTime, dataChange,
                    Optional.of(file.stats()), Map.of()));
        }
        return adds;
    }

    /** Tells {@link #committedFiles} about each committed file (staged and added in the same order); best effort. */
    private void tellCommitted(StagedData staged, List<AddFile> added, long version) {
        for (int index = 0; index < added.size(); index++) {
            String blobName = tableRoot + added.get(index).path();
            try {
                committedFiles.committed(blobName, staged.files().get(index).localFile());
            } catch (RuntimeException e) {
                log.warn("{}: committed version {}, but its file {} could not be kept locally; it will be downloaded"
                        + " when needed", tableRoot, version, blobName, e);
            }
        }
    }

    /**
     * Checks a file the caller wrote into the table's folder: a new file's name in its partition's
     * folder, not a file of the table yet, and in the store with the staged file's size.
     */
    private void requireInTableFolder(String path, StagedDataFile file, List<String> partitionColumns,
            Set<String> currentPaths) {
        String folder = PartitionPaths.folder(partitionColumns, file.partitionValues());
        String name = path.startsWith(folder) ? path.substring(folder.length()) : "";
        if (!name.startsWith("part-") || !name.endsWith(".parquet") || name.contains("/")) {
            throw new DeltaWriteException(Reason.INVALID_INPUT, "the staged file at " + path + " in Delta table "
                    + tableRoot + " is not a new data file's path of its partition (" + folder + "part-<uuid>.parquet)");
        }
        if (currentPaths.contains(path)) {
            throw new DeltaWriteException(Reason.INVALID_INPUT, "the staged file at " + path + " is already a data file"
                    + " of Delta table " + tableRoot);
        }
        Optional<BlobEntry> entry;
        try {
            entry = store.properties(BlobName.requireValid(tableRoot + path));
        } catch (BlobStoreException e) {
            throw new DeltaWriteException(e.blobKind() == BlobStoreException.Kind.INVALID_NAME ? Reason.INVALID_INPUT
                    : Reason.FAILED, "cannot read a staged file of Delta table " + tableRoot + "; nothing was committed: "
                    + e.getMessage(), e);
        }
        if (entry.isEmpty() || entry.get().size() != file.size()) {
            throw new DeltaWriteException(Reason.INVALID_INPUT, "the staged file " + file.localFile() + " of "
                    + file.size() + " bytes is not in Delta table " + tableRoot + " at " + path + " ("
                    + entry.map(found -> found.size() + " bytes there").orElse("nothing there") + ")");
        }
    }

    private void writeCheckpointIfDue(long version) {
        if (version == 0 || version % settings.checkpointInterval() != 0) {
            return;
        }
        try {
            checkpointWriter.write(tableRoot, deltaLog.snapshotAt(version));
        } catch (RuntimeException e) {
            log.warn("{}: the checkpoint of version {} could not be written; readers replay the commits instead",
                    tableRoot, version, e);
        }
    }

    /** The latest snapshot, or the one at {@code readVersion} when the request was planned from it. */
    private Optional<Snapshot> readSnapshot(Optional<Long> readVersion) {
        Optional<Snapshot> current;
        try {
            current = readVersion.isPresent() ? Optional.of(deltaLog.snapshotAt(readVersion.get())) : deltaLog.latest();
        } catch (BlobStoreException e) {
            throw new DeltaWriteException(Reason.FAILED, "cannot read Delta table " + tableRoot + ": " + e.getMessage(), e);
        }
        current.ifPresent(snapshot -> {
            Protocol protocol = snapshot.protocol();
            if (protocol.minWriterVersion() > 2 || protocol.writerFeatures().isPresent()) {
                throw DeltaLogException.unsupported("Delta table " + tableRoot + " needs writer version "
                        + protocol.minWriterVersion() + protocol.writerFeatures().map(features -> " with " + features).orElse("")
                        + "; this server writes only tables at writer version 2 or lower");
            }
        });
        return current;
    }

    private void requireModeFits(Mode mode, Optional<Snapshot> current) {
        if (mode == Mode.CREATE && current.isPresent()) {
            throw new DeltaWriteException(Reason.TABLE_EXISTS, "Delta table " + tableRoot + " exists already (version "
                    + current.get().version() + ")");
        }
        if (current.isEmpty() && mode != Mode.CREATE && mode != Mode.OVERWRITE) {
            throw new DeltaWriteException(Reason.TABLE_NOT_FOUND, "Delta table " + tableRoot + " does not exist; create"
                    + " or overwrite it first");
        }
    }

    /**
     * The version of {@code current} if it records every one of {@code transactions}; empty if it
     * records none of them; a conflict if it records only some.
     */
    private Optional<Long> appliedIn(Optional<Snapshot> current, List<AppTransaction> transactions) {
        if (current.isEmpty() || transactions.isEmpty()) {
            return Optional.empty();
        }
        List<String> applied = transactions.stream()
                .filter(transaction -> current.get().transactionVersion(transaction.appId())
                        .filter(recorded -> recorded >= transaction.version()).isPresent())
                .map(AppTransaction::appId)
                .toList();
        if (applied.isEmpty()) {
            return Optional.empty();
        }
        if (applied.size() < transactions.size()) {
            throw new DeltaWriteException(Reason.CONFLICT, "Delta table " + tableRoot + " already records some of this"
                    + " write's application transactions (" + applied + ") but not all; nothing was committed. Build the"
                    + " write again from what the table records");
        }
        return Optional.of(current.get().version());
    }

    private static String operation(Mode mode) {
        return switch (mode) {
            case CREATE -> "CREATE TABLE AS SELECT";
            case APPEND, OVERWRITE, REPLACE_PARTITIONS -> "WRITE";
            case REWRITE -> "OPTIMIZE";
            case MERGE -> "MERGE";
        };
    }

    private static Map<String, String> operationParameters(WriteRequest request, List<String> partitionColumns) {
        String partitionBy = partitionColumns.stream().map(column -> "\"" + column.replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "[", "]"));
        return switch (request.mode()) {
            case CREATE -> Map.of("partitionBy", partitionBy);
            case APPEND -> Map.of("mode", "Append", "partitionBy", partitionBy);
            case OVERWRITE -> Map.of("mode", "Overwrite", "partitionBy", partitionBy);
            case REPLACE_PARTITIONS -> Map.of("mode", "Overwrite", "partitionBy", partitionBy,
                    "partitionOverwriteMode", "DYNAMIC");
            case REWRITE -> Map.of("filesReplaced", Integer.toString(request.replacedFiles().size()));
            case MERGE -> Map.of("filesReplaced", Integer.toString(request.replacedFiles().size()));
        };
    }

    private static Set<String> paths(Stream<AddFile> files) {
        return files.map(AddFile::path).collect(Collectors.toSet());
    }

    private static void deleteStagingFolder(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the staging folder " + folder, e);
        }
    }
}
