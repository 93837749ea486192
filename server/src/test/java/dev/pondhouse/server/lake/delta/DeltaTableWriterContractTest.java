package dev.pondhouse.server.lake.delta;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.ForwardingBlobStore;
import dev.pondhouse.server.lake.delta.KernelTableReader.KernelTable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The table writer against every blob store: Delta Kernel, an independent reader, sees exactly the
 * rows written after every kind of write and with a checkpoint; concurrent appends all land once;
 * application transactions make writes idempotent; a writer that dies before its commit changes
 * nothing.
 */
abstract class DeltaTableWriterContractTest extends DeltaTableWriterTestBase {
    @Test
    void deltaKernelReadsExactlyTheRowsOfEveryKindOfWriteAndOfACheckpoint() throws Exception {
        BlobStore store = store();
        DeltaTableWriter writer = writer(store, DeltaWriterSettings.DEFAULT);

        WriteResult created = writer.write(duckdb, WriteRequest.create(TableData.query(rows(0, 20)), List.of("region", "day")));
        execute(duckdb, "INSERT INTO expected " + rows(0, 20));
        assertThat(created.version()).isZero();
        assertThat(created.rowsAdded()).isEqualTo(20);
        for (int batch = 1; batch <= 4; batch++) {
            append(writer, rows(100L * batch, 10));
        }
        assertThat(sorted(kernelRead(store, COLUMNS).rows())).isEqualTo(expectedRows(duckdb));

        String north = "SELECT * FROM (" + rows(1000, 12) + ") WHERE region = 'north' AND day <> DATE '2024-01-02'";
        WriteResult replaced = writer.write(duckdb, WriteRequest.replacePartitions(TableData.query(north)));
        execute(duckdb, "DELETE FROM expected WHERE region = 'north' AND day <> DATE '2024-01-02'");
        execute(duckdb, "INSERT INTO expected " + north);
        assertThat(replaced.version()).isEqualTo(5);
        assertThat(sorted(kernelRead(store, COLUMNS).rows())).isEqualTo(expectedRows(duckdb));

        for (int batch = 6; batch <= 12; batch++) {
            String sql = rows(100L * batch, 5);
            writer.write(duckdb, WriteRequest.append(TableData.query(sql)).withTransaction("ingest", batch));
            execute(duckdb, "INSERT INTO expected " + sql);
        }

        assertThat(store.properties(ROOT + DeltaLog.checkpointFileName(10))).isPresent();
        assertThat(new String(store.read(ROOT + DeltaLog.LOG_FOLDER + CheckpointWriter.LAST_CHECKPOINT), UTF_8))
                .startsWith("{\"version\":10,");
        KernelTable kernel = kernelRead(store, COLUMNS);
        assertThat(kernel.version()).isEqualTo(12);
        assertThat(sorted(kernel.rows())).isEqualTo(expectedRows(duckdb));
        Snapshot snapshot = writer.log().latest().orElseThrow();
        assertThat(snapshot.version()).isEqualTo(12);
        assertThat(snapshot.transactionVersion("ingest")).contains(12L);
        assertThat(kernel.files()).map(file -> file.substring(file.indexOf("/region=") + 1))
                .containsExactlyInAnyOrderElementsOf(snapshot.activeFiles().stream().map(AddFile::path).toList());

        List<Action> checkpoint = new DuckDbCheckpointReader(store, directory.resolve("checkpoint-test"), new CommitFileFormat())
                .read(ROOT + DeltaLog.checkpointFileName(10));
        Snapshot atCheckpoint = writer.log().snapshotAt(10);
        assertThat(checkpoint).contains(atCheckpoint.protocol(), atCheckpoint.metadata(),
                new Transaction("ingest", 10, Optional.empty()));
        assertThat(checkpoint).filteredOn(AddFile.class::isInstance).map(action -> ((AddFile) action).path())
                .containsExactlyInAnyOrderElementsOf(atCheckpoint.activeFiles().stream().map(AddFile::path).toList());
        assertThat(checkpoint).filteredOn(RemoveFile.class::isInstance).map(action -> ((RemoveFile) action).path())
                .isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(atCheckpoint.tombstones().stream().map(RemoveFile::path).toList());
        BlobStore withoutEarlyCommits = new ForwardingBlobStore(store) {
            @Override
            public List<BlobEntry> list(String prefix) {
                return super.list(prefix).stream()
                        .filter(entry -> !isCommitFile(entry.name()) || entry.name().compareTo(ROOT + DeltaLog.commitFileName(10)) > 0)
                        .toList();
            }
        };
        CommitFileFormat format = new CommitFileFormat();
        assertThat(new DeltaLog(withoutEarlyCommits, ROOT, format,
                new DuckDbCheckpointReader(withoutEarlyCommits, directory.resolve("checkpoint-test"), format)).latest())
                .contains(snapshot);

        String reshaped = "SELECT id, amount, (id % 7)::INTEGER AS qty FROM (" + rows(5000, 9) + ")";
        WriteResult overwritten = writer.write(duckdb, WriteRequest.overwrite(TableData.query(reshaped), List.of()));
        assertThat(overwritten.version()).isEqualTo(13);
        KernelTable afterOverwrite = kernelRead(store, List.of("id", "amount", "qty"));
        assertThat(afterOverwrite.schema().fieldNames()).containsExactly("id", "amount", "qty");
        List<String> expected = new ArrayList<>();
        try (Statement statement = duckdb.createStatement(); ResultSet result = statement.executeQuery(
                "SELECT concat_ws('|', id, amount, qty) FROM (" + reshaped + ")")) {
            while (result.next()) {
                expected.add(result.getString(1));
            }
        }
        assertThat(sorted(afterOverwrite.rows())).isEqualTo(sorted(expected));
    }

    @Test
    void concurrentAppendsAllLandExactlyOnceInContiguousVersions() throws Exception {
        BlobStore store = store();
        DeltaTableWriter writer = writer(store, DeltaWriterSettings.DEFAULT.withMaxCommitAttempts(100));
        writer.write(duckdb, WriteRequest.create(TableData.query(rows(0, 4)), List.of("region")));
        execute(duckdb, "INSERT INTO expected " + rows(0, 4));
        int threads = 6;
        int appendsPerThread = 3;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                long firstId = 10_000L * (thread + 1);
                results.add(pool.submit(() -> {
                    List<Long> versions = new ArrayList<>();
                    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
                        for (int append = 0; append < appendsPerThread; append++) {
                            versions.add(writer.write(connection, WriteRequest.append(
                                    TableData.query(rows(firstId + 100L * append, 6)))).version());
                        }
                    }
                    return versions;
                }));
            }
            List<Long> versions = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                versions.addAll(result.get());
            }
            assertThat(versions).containsExactlyInAnyOrderElementsOf(
                    LongStream.rangeClosed(1, threads * appendsPerThread).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
        for (int thread = 0; thread < threads; thread++) {
            for (int append = 0; append < appendsPerThread; append++) {
                execute(duckdb, "INSERT INTO expected " + rows(10_000L * (thread + 1) + 100L * append, 6));
            }
        }
        KernelTable kernel = kernelRead(store, COLUMNS);
        assertThat(kernel.version()).isEqualTo(threads * appendsPerThread);
        assertThat(sorted(kernel.rows())).isEqualTo(expectedRows(duckdb));
    }

    @Test
    void aWriteWithAnApplicationTransactionIsAppliedOnce() throws Exception {
        BlobStore store = store();
        DeltaTableWriter writer = writer(store, DeltaWriterSettings.DEFAULT);
        writer.write(duckdb, WriteRequest.create(TableData.query(rows(0, 3)), List.of()));
        execute(duckdb, "INSERT INTO expected " + rows(0, 3));

        WriteRequest run7 = WriteRequest.append(TableData.query(rows(100, 5))).withTransaction("pipeline-a", 7);
        WriteResult first = writer.write(duckdb, run7);
        WriteResult again = writer.write(duckdb, run7);
        WriteResult older = writer.write(duckdb,
                WriteRequest.append(TableData.query(rows(200, 5))).withTransaction("pipeline-a", 6));
        WriteResult otherApp = writer.write(duckdb,
                WriteRequest.append(TableData.query(rows(300, 5))).withTransaction("pipeline-b", 7));
        execute(duckdb, "INSERT INTO expected " + rows(100, 5));
        execute(duckdb, "INSERT INTO expected " + rows(300, 5));

        assertThat(first.outcome()).isEqualTo(WriteResult.Outcome.COMMITTED);
        assertThat(first.version()).isEqualTo(1);
        assertThat(again.outcome()).isEqualTo(WriteResult.Outcome.ALREADY_APPLIED);
        assertThat(again.version()).isEqualTo(1);
        assertThat(older.outcome()).isEqualTo(WriteResult.Outcome.ALREADY_APPLIED);
        assertThat(otherApp.outcome()).isEqualTo(WriteResult.Outcome.COMMITTED);
        assertThat(otherApp.version()).isEqualTo(2);
        assertThat(writer.log().latest().orElseThrow().appTransactionVersions())
                .isEqualTo(Map.of("pipeline-a", 7L, "pipeline-b", 7L));
        assertThat(sorted(kernelRead(store, COLUMNS).rows())).isEqualTo(expectedRows(duckdb));
    }

    @Test
    void oneCommitRecordsSeveralApplicationTransactionsAndIsAppliedOnce() throws Exception {
        BlobStore store = store();
        DeltaTableWriter writer = writer(store, DeltaWriterSettings.DEFAULT);
        writer.write(duckdb, WriteRequest.create(TableData.query(rows(0, 3)), List.of()));
        List<WriteRequest.AppTransaction> files = List.of(new WriteRequest.AppTransaction("ingest/a.parquet", 1),
                new WriteRequest.AppTransaction("ingest/b.parquet", 1));
        WriteRequest both = WriteRequest.append(TableData.query(rows(100, 5))).withTransactions(files);

        assertThat(writer.write(duckdb, both).outcome()).isEqualTo(WriteResult.Outcome.COMMITTED);
        assertThat(writer.write(duckdb, both).outcome()).isEqualTo(WriteResult.Outcome.ALREADY_APPLIED);
        WriteRequest overlapping = WriteRequest.append(TableData.query(rows(200, 5))).withTransactions(List.of(
                new WriteRequest.AppTransaction("ingest/b.parquet", 1), new WriteRequest.AppTransaction("ingest/c.parquet", 1)));
        assertThatThrownBy(() -> writer.write(duckdb, overlapping))
                .isInstanceOfSatisfying(DeltaWriteException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeltaWriteException.Reason.CONFLICT))
                .hasMessageContaining("ingest/b.parquet");

        Snapshot snapshot = writer.log().latest().orElseThrow();
        assertThat(snapshot.version()).isEqualTo(1);
        assertThat(snapshot.appTransactionVersions()).isEqualTo(Map.of("ingest/a.parquet", 1L, "ingest/b.parquet", 1L));
    }

    @Test
    void aMergeReplacesItsFilesAndConflictsWithWhatWasCommittedSinceItsPlan() throws Exception {
        BlobStore store = store();
        DeltaTableWriter writer = writer(store, DeltaWriterSettings.DEFAULT);
        writer.write(duckdb, WriteRequest.create(TableData.query(rows(0, 4)), List.of()));
        append(writer, rows(100, 4));
        Snapshot planned = writer.log().latest().orElseThrow();
        String firstFile = planned.activeFiles().get(0).path();

        append(writer, rows(200, 4));
        WriteRequest lateMerge = WriteRequest.merge(TableData.query(rows(300, 2)), Set.of(firstFile), planned.version());
        assertThatThrownBy(() -> writer.write(duckdb, lateMerge))
                .isInstanceOfSatisfying(DeltaWriteException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeltaWriteException.Reason.CONFLICT))
                .hasMessageContaining("added data");

        Snapshot current = writer.log().latest().orElseThrow();
        WriteResult merged = writer.write(duckdb,
                WriteRequest.merge(TableData.query(rows(300, 2)), Set.of(firstFile), current.version()));
        assertThat(merged.outcome()).isEqualTo(WriteResult.Outcome.COMMITTED);
        Snapshot after = writer.log().latest().orElseThrow();
        assertThat(after.activeFiles()).extracting(AddFile::path).doesNotContain(firstFile).hasSize(3);
        assertThat(after.tombstones()).extracting(RemoveFile::path).containsExactly(firstFile);
    }

    @Test
    void aWriterThatDiesBetweenUploadAndCommitChangesNothing() throws Exception {
        BlobStore store = store();
        DeltaTableWriter writer = writer(store, DeltaWriterSettings.DEFAULT);
        writer.write(duckdb, WriteRequest.create(TableData.query(rows(0, 8)), List.of("region")));
        execute(duckdb, "INSERT INTO expected " + rows(0, 8));
        Snapshot before = writer.log().latest().orElseThrow();
        BlobStore dying = new ForwardingBlobStore(store) {
            @Override
            public CreateOutcome createIfAbsent(String name, byte[] content) {
                if (isCommitFile(name)) {
                    throw new ProcessDied();
                }
                return super.createIfAbsent(name, content);
            }
        };

        assertThatThrownBy(() -> writer(dying, DeltaWriterSettings.DEFAULT)
                .write(duckdb, WriteRequest.append(TableData.query(rows(100, 8)))))
                .isInstanceOf(ProcessDied.class);

        List<String> dataFiles = store.list(ROOT).stream().map(BlobEntry::name)
                .filter(name -> name.endsWith(".parquet") && !name.contains(DeltaLog.LOG_FOLDER))
                .toList();
        assertThat(dataFiles).hasSize(before.activeFiles().size() + 4);
        assertThat(writer.log().latest()).contains(before);
        KernelTable kernel = kernelRead(store, COLUMNS);
        assertThat(kernel.version()).isZero();
        assertThat(sorted(kernel.rows())).isEqualTo(expectedRows(duckdb));
    }

    /** Stands for the writer's process ending abruptly just before its commit. */
    static final class ProcessDied extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProcessDied() {
            super("the process died");
        }
    }
}
