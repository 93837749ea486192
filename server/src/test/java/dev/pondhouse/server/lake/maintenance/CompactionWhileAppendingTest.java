package dev.pondhouse.server.lake.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import dev.pondhouse.server.lake.delta.TableData;
import dev.pondhouse.server.lake.delta.WriteRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest and compaction at once: one thread appends small batches into the same day partitions
 * round after round while another compacts them again and again. Every appended row must be in the
 * table exactly once at the end.
 */
class CompactionWhileAppendingTest {
    private static final int ROUNDS = 30;
    private static final int ROWS_PER_ROUND = 9;
    private static final int DAYS = 3;
    private static final int MAX_COMPACTIONS = 2_000;
    private static final long PAUSE_MILLIS = 20;
    private static final DeltaWriterSettings PATIENT = DeltaWriterSettings.DEFAULT.withMaxCommitAttempts(100);

    @TempDir
    Path directory;

    @Test
    void everyAppendedRowIsPresentExactlyOnceAfterCompactingAllAlong() throws Exception {
        LocalBlobStore store = new LocalBlobStore(directory.resolve("lake"));
        TestTable table = new TestTable(store, directory);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            table.create(duckdb, TestTable.rows(0, ROWS_PER_ROUND, DAYS), List.of("day"));
        }
        AtomicBoolean appending = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> ingest = threads.submit(() -> {
                try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
                    var writer = table.writer(PATIENT);
                    for (int round = 1; round <= ROUNDS; round++) {
                        writer.write(duckdb, WriteRequest.append(TableData.query(
                                TestTable.rows(round * 1000L, ROWS_PER_ROUND, DAYS))));
                    }
                } finally {
                    appending.set(false);
                }
                return null;
            });
            Future<List<CompactionResult>> compaction = threads.submit(() -> {
                List<CompactionResult> results = new ArrayList<>();
                try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
                    TableCompactor compactor = TableCompactor.local(store, table.writer(PATIENT),
                            directory.resolve("compactor-" + UUID.randomUUID()), CompactionSettings.DEFAULT);
                    while (appending.get() && results.size() < MAX_COMPACTIONS) {
                        results.add(compactor.compact(duckdb, () -> false, ProgressListener.NONE));
                        // A run with nothing to do takes a few milliseconds: let appends come in.
                        Thread.sleep(PAUSE_MILLIS);
                    }
                }
                return results;
            });
            ingest.get(5, TimeUnit.MINUTES);
            List<CompactionResult> results = new ArrayList<>(compaction.get(5, TimeUnit.MINUTES));
            try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
                results.add(table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false, ProgressListener.NONE));
            }

            List<CompactionResult> committed = results.stream().filter(result -> !result.committedVersions().isEmpty()).toList();
            assertThat(committed).as("compactions that committed, while appending and after").hasSizeGreaterThanOrEqualTo(2);
            assertThat(committed).as("compactions that committed after an append landed during them")
                    .anySatisfy(result -> assertThat(result.committedVersions().get(0)).isGreaterThan(result.readVersion() + 1));
            assertThat(results).allSatisfy(result -> assertThat(result.partitionsConflicted()).isZero());
        } finally {
            threads.shutdownNow();
        }

        List<Long> expected = LongStream.rangeClosed(0, ROUNDS)
                .flatMap(round -> LongStream.range(round * 1000L, round * 1000L + ROWS_PER_ROUND))
                .boxed().sorted().toList();
        assertThat(table.kernelIds()).isEqualTo(expected);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            List<Long> ids = table.rowsByPartition(duckdb).values().stream().flatMap(List::stream)
                    .map(row -> Long.parseLong(row.substring(0, row.indexOf('|')))).sorted().toList();
            assertThat(ids).isEqualTo(expected);
        }
        assertThat(table.snapshot().activeFiles()).hasSize(DAYS);
    }
}
