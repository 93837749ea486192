package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.blob.BlobName;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.BlobStoreException;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.cache.CacheKey;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.lake.cache.PinnedCopies;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.CommittedFiles;
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
import java.util.TreeMap;

/**
 * The tables of a lake as jobs (pipelines, ingest, maintenance) read and write them, in any
 * {@link BlobStore} under a root prefix: a local folder ({@link #local}) or an Azure container
 * ({@link #cached}). Writers are {@link DeltaTableWriter}s on the store; a table lives in
 * {@code <root><schema>/<table>/}.
 *
 * <p><b>Reading for a job.</b> A Delta table is read as the active files of its latest snapshot
 * (never whatever lies in its folder), through {@link Reads}: on a local lake the files in place; on
 * any other store local copies in the {@link DiskCache}, under the keys the serving catalog uses
 * ({@link #CACHE_NAMESPACE}, {@link BlobDeltaLakeCatalog}), pinned until the {@code Reads} closes.
 * A folder of plain Parquet files without a Delta log is a table only on a local lake.
 *
 * <p><b>Writing.</b> On a cached lake, each data file a writer commits is also copied from its
 * staged file into the cache under the serving catalog's key, so serving the new version (or a later
 * job reading it) does not download what this process just uploaded; a lake made with
 * {@link #withoutCachingCommittedFiles()} skips that copy, for a process that never reads back what it
 * writes.
 *
 * <p>Thread-safe: it keeps no state between calls; each call reads the log afresh. The constructor
 * does no I/O.
 */
public final class DeltaLake {
    /** The cache namespace of the lake's data files; the serving catalog uses the same one. */
    public static final String CACHE_NAMESPACE = "lake";

    private final BlobStore store;
    private final String root;
    private final Optional<Path> localFolder;
    private final Optional<DiskCache> cache;
    private final Path workDirectory;
    private final Clock clock;
    private final DeltaWriterSettings settings;
    private final boolean cachesCommittedFiles;
    private final CommitFileFormat format = new CommitFileFormat();
    private final DuckDbCheckpointReader checkpointReader;

    private DeltaLake(BlobStore store, String root, Optional<Path> localFolder, Optional<DiskCache> cache,
            Path workDirectory, Clock clock, DeltaWriterSettings settings, boolean cachesCommittedFiles) {
        this.store = requireNonNull(store, "store is null");
        this.root = BlobName.requireValidPrefix(requireNonNull(root, "root is null"));
        if (!root.isEmpty() && !root.endsWith("/")) {
            throw new IllegalArgumentException("the lake root in a blob store is empty or ends with '/': " + root);
        }
        this.localFolder = requireNonNull(localFolder, "localFolder is null");
        this.cache = requireNonNull(cache, "cache is null");
        if (localFolder.isEmpty() && cache.isEmpty()) {
            throw new IllegalArgumentException("a lake that is not a local folder needs a cache to read its files");
        }
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.cachesCommittedFiles = cachesCommittedFiles;
        this.checkpointReader = new DuckDbCheckpointReader(store, workDirectory.resolve("checkpoint-reads"), format);
    }

    /**
     * A lake folder on local disk; jobs read its files in place.
     *
     * @param root the lake folder
     * @param workDirectory where writers stage data files and checkpoints are read
     * @param clock for commit times
     * @param settings how writers commit
     */
    public static DeltaLake local(Path root, Path workDirectory, Clock clock, DeltaWriterSettings settings) {
        Path folder = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        return local(folder, new LocalBlobStore(folder), workDirectory, clock, settings);
    }

    /**
     * A local lake folder whose logs are read and written through {@code store}, a store over
     * {@code root} (tests wrap the local store to fail at chosen points); files are read in place.
     */
    public static DeltaLake local(Path root, BlobStore store, Path workDirectory, Clock clock, DeltaWriterSettings settings) {
        Path folder = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        return new DeltaLake(store, "", Optional.of(folder), Optional.empty(), workDirectory, clock, settings, false);
    }

    /**
     * A lake in a blob store that is not a local folder (an Azure container); jobs read local copies
     * of its files from {@code cache}.
     *
     * @param root the lake's folder in the store: empty, or a prefix ending with {@code /}
     */
    public static DeltaLake cached(BlobStore store, String root, DiskCache cache, Path workDirectory, Clock clock,
            DeltaWriterSettings settings) {
        return new DeltaLake(store, root, Optional.empty(), Optional.of(requireNonNull(cache, "cache is null")),
                workDirectory, clock, settings, true);
    }

    /**
     * The same lake, except that its writers do not copy the files they commit into the cache: for a
     * process whose cache is thrown away at exit and that does not read back the tables it writes (a
     * command-line folder ingest), where the copy would only cost disk writes. Reads still go through
     * the cache.
     */
    public DeltaLake withoutCachingCommittedFiles() {
        return new DeltaLake(store, root, localFolder, cache, workDirectory, clock, settings, false);
    }

    /** Where writers and maintenance stage files. */
    public Path workDirectory() {
        return workDirectory;
    }

    /** The store the lake's tables are read and written through. */
    public BlobStore store() {
        return store;
    }

    /**
     * The cache jobs read the lake's files from, under {@link #CACHE_NAMESPACE}; empty for a local lake,
     * whose files are read in place.
     */
    public Optional<DiskCache> cache() {
        return cache;
    }

    /** The lake's folder in the store: empty, or a prefix ending with {@code /}. */
    public String root() {
        return root;
    }

    /** The table's folder in the store, ending with {@code /}. */
    public String tableRoot(LakeTableName table) {
        return root + table.folder();
    }

    /**
     * What a job reads of a table now.
     *
     * @param name the table
     * @param files its data files on local disk, sorted
     * @param partitionTypes the DuckDB type of each partition column, in the table's order; the
     *     values are in the files' {@code key=value} folder names
     * @param snapshot the Delta snapshot the files are from; empty for a plain Parquet folder
     * @param dataFiles for a Delta table, the local file of each {@code add} path of the snapshot
     */
    public record TableFiles(LakeTableName name, List<Path> files, Map<String, String> partitionTypes,
            Optional<Snapshot> snapshot, Map<String, Path> dataFiles) {
        public TableFiles {
            requireNonNull(name, "name is null");
            files = List.copyOf(files);
            partitionTypes = Collections.unmodifiableMap(new LinkedHashMap<>(partitionTypes));
            requireNonNull(snapshot, "snapshot is null");
            dataFiles = Collections.unmodifiableMap(new TreeMap<>(dataFiles));
        }

        /** The same table read as only {@code subset} of its files. */
        public TableFiles withFiles(List<Path> subset) {
            return new TableFiles(name, subset, partitionTypes, snapshot, dataFiles);
        }
    }

    /** Whether the table's folder holds a Delta log (listed in the store). */
    public boolean isDeltaTable(LakeTableName table) {
        return !store.list(tableRoot(table) + DeltaLog.LOG_FOLDER).isEmpty();
    }

    /** The table's latest Delta snapshot; empty when it has no Delta log or no commit yet. */
    public Optional<Snapshot> latest(LakeTableName table) {
        if (!isDeltaTable(table)) {
            return Optional.empty();
        }
        return log(table).latest();
    }

    /**
     * Starts reading tables for one piece of work; close it when the work no longer reads them.
     *
     * @param purpose names the work in the cache's pins, e.g. {@code pipeline-step}
     */
    public Reads reads(String purpose) {
        requireNonNull(purpose, "purpose is null");
        return new Reads(cache.filter(present -> localFolder.isEmpty()).map(present -> new PinnedCopies(present, purpose)));
    }

    /**
     * The tables one piece of work reads, as local files that stay on disk until {@link #close()}.
     * Not thread-safe: it belongs to the thread doing the work.
     */
    public final class Reads implements AutoCloseable {
        private final Optional<PinnedCopies> copies;

        private Reads(Optional<PinnedCopies> copies) {
            this.copies = copies;
        }

        /**
         * The files of the table as it is now: a Delta table's latest snapshot (perhaps without any
         * file), or on a local lake the Parquet files of a plain folder (Hive-style {@code key=value}
         * subfolders are not typed: DuckDB infers them). Empty when there is no such table: no folder,
         * a Delta log without a commit, or a plain folder without Parquet files.
         *
         * @throws dev.pondhouse.server.lake.delta.DeltaLogException if the log cannot be read
         * @throws dev.pondhouse.server.lake.cache.CacheException if a data file cannot be copied
         * @throws IOException if the folder cannot be listed
         */
        public Optional<TableFiles> files(LakeTableName table) throws IOException {
            if (isDeltaTable(table)) {
                Optional<Snapshot> latest = log(table).latest();
                return latest.map(snapshot -> files(table, snapshot));
            }
            if (localFolder.isEmpty()) {
                return Optional.empty();
            }
            Path folder = localTableFolder(localFolder.get(), table);
            if (!Files.isDirectory(folder)) {
                return Optional.empty();
            }
            List<Path> files = FolderLakeCatalog.parquetFiles(folder);
            return files.isEmpty() ? Optional.empty()
                    : Optional.of(new TableFiles(table, files, Map.of(), Optional.empty(), Map.of()));
        }

        /** The local files of {@code snapshot} of a Delta table, each checked to lie inside the table folder. */
        public TableFiles files(LakeTableName table, Snapshot snapshot) {
            Map<String, Path> dataFiles = new LinkedHashMap<>();
            try {
                if (localFolder.isPresent()) {
                    Path folder = localTableFolder(localFolder.get(), table);
                    for (AddFile add : snapshot.activeFiles()) {
                        dataFiles.put(add.path(), DeltaLakeCatalog.dataFile(folder, add.path(), snapshot.version()));
                    }
                } else {
                    dataFiles.putAll(copies(table, snapshot));
                }
            } catch (DeltaDataFiles.InvalidDataFileException e) {
                throw new IllegalStateException("Delta table " + table + ": " + e.getMessage(), e);
            }
            List<Path> files = new ArrayList<>(dataFiles.values());
            files.sort(null);
            Map<String, String> partitionTypes = new LinkedHashMap<>();
            List<DeltaSchemas.Column> columns = DeltaSchemas.duckDbColumns(snapshot.metadata().schemaString());
            for (String partitionColumn : snapshot.metadata().partitionColumns()) {
                columns.stream().filter(column -> column.name().equals(partitionColumn)).findFirst()
                        .ifPresent(column -> partitionTypes.put(column.name(), column.duckDbType()));
            }
            return new TableFiles(table, files, partitionTypes, Optional.of(snapshot), dataFiles);
        }

        private Map<String, Path> copies(LakeTableName table, Snapshot snapshot) {
            String tableRoot = tableRoot(table);
            List<String> paths = new ArrayList<>();
            List<PinnedCopies.Blob> blobs = new ArrayList<>();
            for (AddFile add : snapshot.activeFiles()) {
                DeltaDataFiles.requireRelative(add.path(), snapshot.version());
                String blobName = tableRoot + add.path();
                try {
                    BlobName.requireValid(blobName);
                } catch (BlobStoreException e) {
                    throw new DeltaDataFiles.InvalidDataFileException("data file " + add.path() + " at version "
                            + snapshot.version() + " is not a plain path inside the table folder");
                }
                paths.add(add.path());
                blobs.add(new PinnedCopies.Blob(store, CacheKey.immutable(CACHE_NAMESPACE, blobName), add.size()));
            }
            List<Path> local = copies.orElseThrow().copies(blobs);
            Map<String, Path> dataFiles = new LinkedHashMap<>();
            for (int index = 0; index < paths.size(); index++) {
                dataFiles.put(paths.get(index), local.get(index));
            }
            return dataFiles;
        }

        /** Unpins the copies read through it (nothing to do on a local lake). */
        @Override
        public void close() {
            copies.ifPresent(PinnedCopies::close);
        }
    }

    /**
     * A writer for the table, which need not exist yet; on a cached lake its committed files are put
     * into the cache (unless {@link #withoutCachingCommittedFiles()}).
     *
     * @throws PondhouseException a conflict if the table's folder in a local lake holds plain Parquet
     *     files without a Delta log: a Delta table there would hide them
     */
    public DeltaTableWriter writer(LakeTableName table) {
        if (localFolder.isPresent() && !isDeltaTable(table)) {
            Path folder = localTableFolder(localFolder.get(), table);
            if (Files.isDirectory(folder)) {
                try {
                    if (!FolderLakeCatalog.parquetFiles(folder).isEmpty()) {
                        throw new PondhouseException(ErrorKind.CONFLICT, "table " + table + " is a folder of plain Parquet"
                                + " files, not a Delta table; it cannot be written to");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list the folder of table " + table, e);
                }
            }
        }
        CommittedFiles committed = cache.isEmpty() || !cachesCommittedFiles ? CommittedFiles.NONE
                : (blobName, stagedFile) -> cache.get().put(CacheKey.immutable(CACHE_NAMESPACE, blobName), stagedFile);
        return new DeltaTableWriter(store, tableRoot(table), format, checkpointReader, workDirectory, clock, settings,
                committed);
    }

    @Override
    public String toString() {
        return localFolder.map(Path::toString).orElse(store + (root.isEmpty() ? "" : " under " + root));
    }

    private DeltaLog log(LakeTableName table) {
        return new DeltaLog(store, tableRoot(table), format, checkpointReader);
    }

    private static Path localTableFolder(Path lakeFolder, LakeTableName table) {
        return lakeFolder.resolve(table.schema()).resolve(table.table());
    }
}
