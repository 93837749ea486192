package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.DeltaTableWriter;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import dev.pondhouse.server.lake.delta.KernelTableReader;
import dev.pondhouse.server.lake.delta.Snapshot;
import dev.pondhouse.server.lake.delta.TableData;
import dev.pondhouse.server.lake.delta.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A Delta table for the maintenance tests: {@code (id BIGINT, day DATE, ts TIMESTAMP, amount
 * DECIMAL(10,2), note VARCHAR)}, partitioned by {@code day} or not, written through the real writer,
 * and read back file by file in commit order or with Delta Kernel.
 */
final class TestTable implements AutoCloseable {
    static final String ROOT = "lake/events/";
    static final String CACHE_NAMESPACE = "lake";
    static final List<String> COLUMNS = List.of("id", "day", "ts", "amount", "note");

    private final BlobStore store;
    private final Path directory;
    private final CommitFileFormat format = new CommitFileFormat();
    private DiskCache cache;

    TestTable(BlobStore store, Path directory) {
        this.store = requireNonNull(store, "store is null");
        this.directory = requireNonNull(directory, "directory is null");
    }

    BlobStore store() {
        return store;
    }

    /**
     * {@code count} rows with ids from {@code firstId}, spread over {@code days} days from 2024-01-01
     * (row {@code n} on day {@code n % days}).
     */
    static String rows(long firstId, int count, int days) {
        return """
                SELECT (range + %d)::BIGINT AS id,
                  DATE '2024-01-01' + ((range + %d) %% %d)::INTEGER AS day,
                  TIMESTAMP '2024-01-01 00:00:00' + INTERVAL ((range + %d) * 61) SECOND AS ts,
                  ((range + %d) * 1.25)::DECIMAL(10,2) AS amount,
                  CASE WHEN range %% 7 = 0 THEN NULL ELSE 'note ' || (range + %d) END AS note
                FROM range(%d)""".formatted(firstId, firstId, days, firstId, firstId, firstId, count);
    }

    /** A writer of its own, with a work folder of its own. */
    DeltaTableWriter writer() {
        return writer(DeltaWriterSettings.DEFAULT);
    }

    DeltaTableWriter writer(DeltaWriterSettings settings) {
        return writer(settings, Clock.systemUTC());
    }

    DeltaTableWriter writer(DeltaWriterSettings settings, Clock clock) {
        Path work = directory.resolve("writer-" + UUID.randomUUID());
        return new DeltaTableWriter(store, ROOT, format, new DuckDbCheckpointReader(store, work.resolve("checkpoints"), format),
                work, clock, settings);
    }

    DeltaLog log() {
        return new DeltaLog(store, ROOT, format, new DuckDbCheckpointReader(store,
                directory.resolve("log-" + UUID.randomUUID()), format));
    }

    CommitFileFormat format() {
        return format;
    }

    void create(Connection duckdb, String sql, List<String> partitionColumns) {
        writer().write(duckdb, WriteRequest.create(TableData.query(sql), partitionColumns));
    }

    void append(Connection duckdb, String sql) {
        writer().write(duckdb, WriteRequest.append(TableData.query(sql)));
    }

    Snapshot snapshot() {
        return log().latest().orElseThrow();
    }

    /**
     * A compactor with these settings and a work folder of its own: in place on a local store, else
     * reading through the table's {@link #cache()}.
     */
    TableCompactor compactor(CompactionSettings settings) {
        Path work = directory.resolve("compactor-" + UUID.randomUUID());
        if (store instanceof LocalBlobStore local) {
            return TableCompactor.local(local, writer(), work, settings);
        }
        return TableCompactor.cached(store, cache(), CACHE_NAMESPACE, writer(), work, settings);
    }

    /** The disk cache compactors of a store that is not local read through; started at the first call. */
    DiskCache cache() {
        if (cache == null) {
            DiskCache started = new DiskCache(directory.resolve("cache"), 1L << 30, 4, Duration.ZERO, Clock.systemUTC());
            try {
                started.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            cache = started;
        }
        return cache;
    }

    /** Stops the cache, if one was started. */
    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
    }

    /**
     * Every row of the latest snapshot, per partition (its values as text), in commit order: files by
     * modification time then path, rows in file order. A row is {@code id|ts|amount|note}.
     */
    Map<String, List<String>> rowsByPartition(Connection duckdb) throws SQLException {
        Map<String, List<String>> partitions = new TreeMap<>();
        List<AddFile> files = snapshot().activeFiles().stream().sorted(CompactionPlanner.COMMIT_ORDER).toList();
        for (AddFile file : files) {
            String partition = new TreeMap<>(file.partitionValues()).toString();
            partitions.computeIfAbsent(partition, ignored -> new ArrayList<>()).addAll(fileRows(duckdb, file));
        }
        return partitions;
    }

    /** The rows of one data file, in file order, as {@code id|ts|amount|note}. */
    List<String> fileRows(Connection duckdb, AddFile file) throws SQLException {
        Path local = download(ROOT + file.path());
        List<String> rows = new ArrayList<>();
        try (Statement statement = duckdb.createStatement(); ResultSet result = statement.executeQuery(
                "SELECT concat_ws('|', id::VARCHAR, epoch_us(ts)::VARCHAR, amount::VARCHAR, coalesce(note, 'NULL'))"
                        + " FROM read_parquet(" + SqlIdentifiers.literal(local.toString()) + ") ORDER BY file_row_number")) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        } finally {
            deleteQuietly(local);
        }
        return rows;
    }

    /**
     * How many rows the data file has, and how many of them do not have {@code id} equal to their
     * place in the file ({@code file_row_number}), for tables whose ids count up from 0 in commit order.
     */
    long[] rowsAndIdsOutOfPlace(Connection duckdb, AddFile file) throws SQLException {
        Path local = download(ROOT + file.path());
        try (Statement statement = duckdb.createStatement(); ResultSet result = statement.executeQuery(
                "SELECT count(*), count(*) FILTER (WHERE id <> file_row_number) FROM read_parquet("
                        + SqlIdentifiers.literal(local.toString()) + ")")) {
            result.next();
            return new long[] {result.getLong(1), result.getLong(2)};
        } finally {
            deleteQuietly(local);
        }
    }

    /** The table as Delta Kernel reads it, from a local copy of its folder. */
    KernelTableReader.KernelTable kernelRead() throws Exception {
        Path copy = directory.resolve("kernel-copy-" + UUID.randomUUID());
        for (BlobEntry entry : store.list(ROOT)) {
            Path target = copy.resolve(entry.name().substring(ROOT.length()));
            Files.createDirectories(target.getParent());
            store.download(entry.name(), target);
        }
        return KernelTableReader.read(copy, COLUMNS);
    }

    /** The ids the table holds, each once per row, sorted, as Delta Kernel reads them. */
    List<Long> kernelIds() throws Exception {
        return kernelRead().rows().stream().map(row -> Long.parseLong(row.substring(0, row.indexOf('|')))).sorted().toList();
    }

    /** The blob names of every data file under the table root (not the log). */
    List<String> dataFileNames() {
        return store.list(ROOT).stream().map(BlobEntry::name)
                .filter(name -> !name.startsWith(ROOT + DeltaLog.LOG_FOLDER))
                .toList();
    }

    /** The blob names of the data files of the latest snapshot. */
    List<String> activeFileNames() {
        return snapshot().activeFiles().stream().map(file -> ROOT + file.path()).sorted().toList();
    }

    /** The actions of the commit file of {@code version}. */
    List<dev.pondhouse.server.lake.delta.Action> commit(long version) {
        String name = ROOT + DeltaLog.commitFileName(version);
        return format.parse(store.read(name), name);
    }

    private Path download(String name) {
        try {
            Path folder = Files.createDirectories(directory.resolve("downloads"));
            Path local = Files.createTempFile(folder, "file-", ".parquet");
            store.download(name, local);
            return local;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
