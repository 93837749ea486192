package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.BlobStore.CreateOutcome;
import dev.pondhouse.server.lake.blob.BlobStore.ReplaceOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a classic single-file checkpoint {@code _delta_log/<version>.checkpoint.parquet} of a
 * snapshot and points {@code _delta_log/_last_checkpoint} at it, so readers (this server's
 * {@link DeltaLog}, Spark, Delta Kernel, Synapse) start from it instead of replaying every commit.
 *
 * <p><b>Content.</b> One row per action, in the columns of the Delta protocol's checkpoint schema
 * ({@code txn}, {@code add}, {@code remove}, {@code metaData}, {@code protocol}; {@code add.stats}
 * as the JSON string, partition values as a string map): the protocol, the metadata, the latest
 * {@code txn} of each application, every active file, and the tombstones whose deletion is more
 * recent than the retention. The rows are the commit file JSON lines of {@link CommitFileFormat}
 * (paths URL-encoded as in commits), turned into Parquet by a private in-memory DuckDB
 * ({@code read_json} with the schema spelt out, then {@code COPY ... (FORMAT parquet)}).
 *
 * <p><b>Atomicity.</b> The checkpoint is uploaded whole under its final name (readers see it
 * complete or not at all); one that exists already is left alone, since every checkpoint of a version
 * holds the same state. {@code _last_checkpoint} is created if absent or replaced with a
 * compare-and-swap on its ETag, and never moved back to an older version. Both are hints for
 * readers: a missing or stale one costs time, not correctness.
 *
 * <p>Thread-safe: each call uses its own temporary files and DuckDB connection.
 */
public final class CheckpointWriter {
    /** The pointer file's name inside {@code _delta_log/}. */
    public static final String LAST_CHECKPOINT = "_last_checkpoint";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "{"
            + "txn: 'STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)', "
            + "\"add\": 'STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT,"
            + " dataChange BOOLEAN, tags MAP(VARCHAR, VARCHAR), stats VARCHAR)', "
            + "remove: 'STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN,"
            + " partitionValues MAP(VARCHAR, VARCHAR), size BIGINT)', "
            + "metaData: 'STRUCT(id VARCHAR, name VARCHAR, description VARCHAR,"
            + " format STRUCT(provider VARCHAR, options MAP(VARCHAR, VARCHAR)), schemaString VARCHAR,"
            + " partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR), createdTime BIGINT)', "
            + "protocol: 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)'}";
    private static final int POINTER_ATTEMPTS = 5;

    private final BlobStore store;
    private final CommitFileFormat format;
    private final Path temporaryDirectory;
    private final Clock clock;
    private final Duration tombstoneRetention;

    /**
     * @param store where the tables live
     * @param format writes the rows' JSON
     * @param temporaryDirectory where the checkpoint is assembled before the upload (created when needed)
     * @param clock to tell which tombstones are within the retention
     * @param tombstoneRetention how long removed files stay in checkpoints
     */
    public CheckpointWriter(BlobStore store, CommitFileFormat format, Path temporaryDirectory, Clock clock,
            Duration tombstoneRetention) {
        this.store = requireNonNull(store, "store is null");
        this.format = requireNonNull(format, "format is null");
        this.temporaryDirectory = requireNonNull(temporaryDirectory, "temporaryDirectory is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.tombstoneRetention = requireNonNull(tombstoneRetention, "tombstoneRetention is null");
    }

    /**
     * Writes the checkpoint of {@code snapshot} for the table at {@code tableRoot} (ending with
     * {@code /}) and updates {@code _last_checkpoint}.
     *
     * @return the number of actions (rows) in the checkpoint
     * @throws dev.pondhouse.server.lake.blob.BlobStoreException if the store fails
     * @throws UncheckedIOException if the local files cannot be written or DuckDB fails
     */
    public long write(String tableRoot, Snapshot snapshot) {
        requireNonNull(tableRoot, "tableRoot is null");
        List<Action> actions = checkpointActions(snapshot);
        String name = tableRoot + DeltaLog.checkpointFileName(snapshot.version());
        if (store.properties(name).isEmpty()) {
            Path folder = createTemporaryFolder();
            try {
                Path json = folder.resolve("actions.json");
                Path parquet = folder.resolve("checkpoint.parquet");
                Files.write(json, format.write(actions));
                toParquet(json, parquet);
                store.upload(name, parquet);
            } catch (IOException | RuntimeException e) {
                RuntimeException failure = e instanceof IOException io
                        ? new UncheckedIOException("cannot write the checkpoint " + name + ": " + e.getMessage(), io)
                        : (RuntimeException) e;
                try {
                    deleteFolder(folder);
                } catch (UncheckedIOException cleanup) {
                    failure.addSuppressed(cleanup);
                }
                throw failure;
            }
            deleteFolder(folder);
        }
        pointLastCheckpointAt(tableRoot + DeltaLog.LOG_FOLDER + LAST_CHECKPOINT, snapshot.version(), actions.size());
        return actions.size();
    }

    private List<Action> checkpointActions(Snapshot snapshot) {
        long oldestTombstone = clock.millis() - tombstoneRetention.toMillis();
        List<Action> actions = new ArrayList<>();
        actions.add(snapshot.protocol());
        actions.add(snapshot.metadata());
        snapshot.appTransactionVersions().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(entry -> actions.add(new Transaction(entry.getKey(), entry.getValue(), Optional.empty())));
        for (AddFile add : snapshot.activeFiles()) {
            // In a checkpoint every file is simply part of the state: nothing changes data.
            actions.add(new AddFile(add.path(), add.partitionValues(), add.size(), add.modificationTime(), false,
                    add.stats(), add.tags()));
        }
        for (RemoveFile remove : snapshot.tombstones()) {
            if (remove.deletionTimestamp().orElse(0L) >= oldestTombstone) {
                actions.add(new RemoveFile(remove.path(), remove.deletionTimestamp(), false, remove.extendedFileMetadata(),
                        remove.partitionValues(), remove.size()));
            }
        }
        return actions;
    }

    private static void toParquet(Path json, Path parquet) throws IOException {
        String copy = "COPY (SELECT txn, \"add\", remove, metaData, protocol FROM read_json("
                + SqlIdentifiers.literal(json.toString()) + ", format = 'newline_delimited', columns = " + COLUMNS
                + ")) TO " + SqlIdentifiers.literal(parquet.toString()) + " (FORMAT parquet)";
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute(copy);
        } catch (SQLException e) {
            throw new IOException("DuckDB cannot write the checkpoint: " + e.getMessage(), e);
        }
    }

    /** Creates or advances {@code _last_checkpoint}; never moves it back. */
    private void pointLastCheckpointAt(String name, long version, long size) {
        byte[] content = ("{\"version\":" + version + ",\"size\":" + size + "}").getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0; attempt < POINTER_ATTEMPTS; attempt++) {
            Optional<BlobEntry> current = store.properties(name);
            if (current.isEmpty()) {
                if (store.createIfAbsent(name, content) == CreateOutcome.CREATED) {
                    return;
                }
                continue;
            }
            if (pointedVersion(store.read(name)).filter(pointed -> pointed >= version).isPresent()) {
                return;
            }
            if (store.replaceIfMatch(name, content, current.get().etag()) == ReplaceOutcome.REPLACED) {
                return;
            }
        }
        throw new IllegalStateException("cannot update " + name + ": it kept changing under concurrent writers");
    }

    private static Optional<Long> pointedVersion(byte[] content) {
        try {
            JsonNode version = JSON.readTree(content).path("version");
            return version.canConvertToLong() ? Optional.of(version.longValue()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Path createTemporaryFolder() {
        try {
            Files.createDirectories(temporaryDirectory);
            return Files.createTempDirectory(temporaryDirectory, "checkpoint-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder in " + temporaryDirectory, e);
        }
    }

    private static void deleteFolder(Path folder) {
        try (var files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the temporary folder " + folder, e);
        }
    }
}
