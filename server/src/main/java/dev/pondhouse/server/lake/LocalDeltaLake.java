package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.DeltaSchemas;
import dev.pondhouse.server.lake.delta.DeltaTableWriter;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import dev.pondhouse.server.lake.delta.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tables of a local lake folder as jobs (pipelines, ingest) read and write them: the files of a
 * table's current snapshot, and a {@link DeltaTableWriter} for it. A Delta table is read as the
 * active files of its latest snapshot (never whatever lies in its folder); a plain folder of Parquet
 * files without a log, as those files.
 *
 * <p>Thread-safe: it keeps no state between calls; each call reads the log afresh. The constructor
 * does no I/O.
 */
public final class LocalDeltaLake {
    private final Path root;
    private final Path workDirectory;
    private final Clock clock;
    private final DeltaWriterSettings settings;
    private final BlobStore store;
    private final CommitFileFormat format = new CommitFileFormat();
    private final DuckDbCheckpointReader checkpointReader;

    /**
     * @param root the lake folder
     * @param workDirectory where writers stage data files and checkpoints are read
     * @param clock for commit times
     * @param settings how writers commit
     */
    public LocalDeltaLake(Path root, Path workDirectory, Clock clock, DeltaWriterSettings settings) {
        this(root, new LocalBlobStore(root.toAbsolutePath().normalize()), workDirectory, clock, settings);
    }

    /**
     * A lake whose logs are read and written through {@code store}, a store over {@code root} (tests
     * wrap the local store to fail at chosen points).
     */
    public LocalDeltaLake(Path root, BlobStore store, Path workDirectory, Clock clock, DeltaWriterSettings settings) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.store = requireNonNull(store, "store is null");
        this.checkpointReader = new DuckDbCheckpointReader(store, workDirectory.resolve("checkpoint-reads"), format);
    }

    /** Where writers and maintenance stage files. */
    public Path workDirectory() {
        return workDirectory;
    }

    /** The store the lake's tables are read and written through. */
    public BlobStore store() {
        return store;
    }

    /** The lake folder. */
    public Path root() {
        return root;
    }

    /**
     * What a job reads of a table now.
     *
     * @param name the table
     * @param files its data files on local disk, sorted
     * @param partitionTypes the DuckDB type of each partition column, in the table's order; the
     *     values are in the files' {@code key=value} folder names
     * @param snapshot the Delta snapshot the files are from; empty for a plain Parquet folder
     */
    public record TableFiles(LakeTableName name, List<Path> files, Map<String, String> partitionTypes,
            Optional<Snapshot> snapshot) {
        public TableFiles {
            requireNonNull(name, "name is null");
            files = List.copyOf(files);
            partitionTypes = Collections.unmodifiableMap(new LinkedHashMap<>(partitionTypes));
            requireNonNull(snapshot, "snapshot is null");
        }
    }

    /** Whether the table's folder holds a Delta log. */
    public boolean isDeltaTable(LakeTableName table) {
        return Files.isDirectory(folder(table).resolve(DeltaLog.LOG_FOLDER));
    }

    /** The table's latest Delta snapshot; empty when it has no Delta log or no commit yet. */
    public Optional<Snapshot> latest(LakeTableName table) {
        if (!isDeltaTable(table)) {
            return Optional.empty();
        }
        return log(table).latest();
    }

    /**
     * The files of the table as it is now: a Delta table's latest snapshot (perhaps without any file),
     * or the Parquet files of a plain folder (Hive-style {@code key=value} subfolders are not typed:
     * DuckDB infers them). Empty when there is no such table: no folder, a Delta log without a commit,
     * or a plain folder without Parquet files.
     *
     * @throws dev.pondhouse.server.lake.delta.DeltaLogException if the log cannot be read
     * @throws IOException if the folder cannot be listed
     */
    public Optional<TableFiles> files(LakeTableName table) throws IOException {
        if (isDeltaTable(table)) {
            Optional<Snapshot> latest = log(table).latest();
            return latest.map(snapshot -> files(table, snapshot));
        }
        Path folder = folder(table);
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        List<Path> files = FolderLakeCatalog.parquetFiles(folder);
        return files.isEmpty() ? Optional.empty() : Optional.of(new TableFiles(table, files, Map.of(), Optional.empty()));
    }

    /** The local files of {@code snapshot} of a Delta table, each checked to lie inside the table folder. */
    public TableFiles files(LakeTableName table, Snapshot snapshot) {
        List<Path> files = new ArrayList<>();
        for (AddFile add : snapshot.activeFiles()) {
            files.add(dataFile(table, add.path(), snapshot.version()));
        }
        files.sort(null);
        Map<String, String> partitionTypes = new LinkedHashMap<>();
        List<DeltaSchemas.Column> columns = DeltaSchemas.duckDbColumns(snapshot.metadata().schemaString());
        for (String partitionColumn : snapshot.metadata().partitionColumns()) {
            columns.stream().filter(column -> column.name().equals(partitionColumn)).findFirst()
                    .ifPresent(column -> partitionTypes.put(column.name(), column.duckDbType()));
        }
        return new TableFiles(table, files, partitionTypes, Optional.of(snapshot));
    }

    /** The local file of one {@code add} path of a Delta table at {@code version}, checked as the catalog checks it. */
    public Path dataFile(LakeTableName table, String addPath, long version) {
        try {
            return DeltaLakeCatalog.dataFile(folder(table), addPath, version);
        } catch (DeltaDataFiles.InvalidDataFileException e) {
            throw new IllegalStateException("Delta table " + table + ": " + e.getMessage(), e);
        }
    }

    /**
     * A writer for the table, which need not exist yet.
     *
     * @throws PondhouseException a conflict if the table's folder holds plain Parquet files without a
     *     Delta log: a Delta table there would hide them
     */
    public DeltaTableWriter writer(LakeTableName table) {
        if (!isDeltaTable(table) && Files.isDirectory(folder(table))) {
            try {
                if (!FolderLakeCatalog.parquetFiles(folder(table)).isEmpty()) {
                    throw new PondhouseException(ErrorKind.CONFLICT, "table " + table + " is a folder of plain Parquet"
                            + " files, not a Delta table; it cannot be written to");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the folder of table " + table, e);
            }
        }
        return new DeltaTableWriter(store, table.folder(), format, checkpointReader, workDirectory, clock, settings);
    }

    private DeltaLog log(LakeTableName table) {
        return new DeltaLog(store, table.folder(), format, checkpointReader);
    }

    private Path folder(LakeTableName table) {
        return root.resolve(table.schema()).resolve(table.table());
    }
}
