package dev.pondhouse.server.lake.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.delta.Action;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CommitInfo;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.RemoveFile;
import dev.pondhouse.server.lake.delta.Snapshot;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link TableCompactor} guarantees, on every blob store. */
abstract class TableCompactorContractTest {
    @TempDir
    Path directory;

    Connection duckdb;
    TestTable table;

    /** A store for this test, empty. */
    protected abstract BlobStore store();

    @BeforeEach
    void open() throws SQLException {
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        table = new TestTable(store(), directory);
    }

    @AfterEach
    void close() throws SQLException {
        table.close();
        duckdb.close();
    }

    @Test
    void compactionKeepsEveryRowInItsOrderInFewerFilesAndKernelReadsTheSameRows() throws Exception {
        table.create(duckdb, TestTable.rows(0, 6, 3), List.of("day"));
        for (int append = 1; append <= 12; append++) {
            table.append(duckdb, TestTable.rows(append * 100L, 6, 3));
        }
        Snapshot before = table.snapshot();
        Map<String, List<String>> rowsBefore = table.rowsByPartition(duckdb);
        List<String> kernelBefore = sorted(table.kernelRead().rows());
        assertThat(before.activeFiles()).hasSize(39);

        CompactionResult result = table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false, ProgressListener.NONE);

        Snapshot after = table.snapshot();
        assertThat(result.readVersion()).isEqualTo(before.version());
        assertThat(result.committedVersions()).containsExactly(before.version() + 1);
        assertThat(after.version()).isEqualTo(before.version() + 1);
        assertThat(result.partitionsCompacted()).isEqualTo(3);
        assertThat(result.partitionsSkipped()).isZero();
        assertThat(result.partitionsConflicted()).isZero();
        assertThat(result.filesRemoved()).isEqualTo(39);
        assertThat(result.filesAdded()).isEqualTo(3);
        assertThat(result.bytesBefore()).isEqualTo(before.activeFiles().stream().mapToLong(AddFile::size).sum());
        assertThat(result.bytesAfter()).isEqualTo(after.activeFiles().stream().mapToLong(AddFile::size).sum());
        assertThat(result.cancelled()).isFalse();
        assertThat(after.activeFiles()).hasSize(3);
        assertThat(table.rowsByPartition(duckdb)).isEqualTo(rowsBefore);
        assertThat(sorted(table.kernelRead().rows())).isEqualTo(kernelBefore);
        assertThat(table.kernelRead().version()).isEqualTo(after.version());

        List<Action> commit = table.commit(after.version());
        assertThat(commit).filteredOn(CommitInfo.class::isInstance).singleElement()
                .satisfies(info -> assertThat(((CommitInfo) info).operation()).contains("OPTIMIZE"));
        assertThat(commit).filteredOn(AddFile.class::isInstance).hasSize(3)
                .allSatisfy(add -> assertThat(((AddFile) add).dataChange()).isFalse());
        assertThat(commit).filteredOn(RemoveFile.class::isInstance).hasSize(39)
                .allSatisfy(remove -> assertThat(((RemoveFile) remove).dataChange()).isFalse());
        assertThat(after.activeFiles()).allSatisfy(file -> assertThat(file.stats()).isPresent()
                .hasValueSatisfying(stats -> assertThat(stats).contains("\"numRecords\":26")));

        CompactionResult again = table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false, ProgressListener.NONE);
        assertThat(again.committedVersions()).isEmpty();
        assertThat(again.partitionsSkipped()).isEqualTo(3);
        assertThat(table.snapshot().version()).isEqualTo(after.version());
    }

    @Test
    void smallTargetsMakeSeveralFilesPerPartitionStillInOrder() throws Exception {
        table.create(duckdb, TestTable.rows(0, 40, 2), List.of("day"));
        for (int append = 1; append <= 15; append++) {
            table.append(duckdb, TestTable.rows(append * 1000L, 40, 2));
        }
        Map<String, List<String>> rowsBefore = table.rowsByPartition(duckdb);
        long largest = table.snapshot().activeFiles().stream().mapToLong(AddFile::size).max().orElseThrow();
        CompactionSettings settings = new CompactionSettings(4 * largest, 2 * largest + 1, Long.MAX_VALUE);

        CompactionResult result = table.compactor(settings).compact(duckdb, () -> false, ProgressListener.NONE);

        Snapshot after = table.snapshot();
        Map<String, Long> filesPerPartition = after.activeFiles().stream()
                .collect(Collectors.groupingBy(file -> file.partitionValues().toString(), Collectors.counting()));
        assertThat(filesPerPartition).hasSize(2).allSatisfy((partition, files) -> assertThat(files).isBetween(3L, 8L));
        assertThat(result.filesRemoved()).isEqualTo(32);
        assertThat(result.filesAdded()).isEqualTo(after.activeFiles().size());
        assertThat(table.rowsByPartition(duckdb)).isEqualTo(rowsBefore);
    }

    /**
     * Files of several row groups each, rewritten on a connection set up like the jobs instance
     * (2 threads, {@code preserve_insertion_order = false}, under which a plain multi-threaded copy
     * reorders them): every row is still in its place, and the connection's setting is unchanged.
     */
    @Test
    void rowsKeepTheirOrderAcrossFilesAndRowGroupsOnAConnectionThatMayReorder() throws Exception {
        long rowsPerFile = 300_000; // about 2.5 row groups of DuckDB's default 122,880 rows
        table.create(duckdb, TestTable.rows(0, (int) rowsPerFile, 1), List.of());
        for (int append = 1; append < 4; append++) {
            table.append(duckdb, TestTable.rows(append * rowsPerFile, (int) rowsPerFile, 1));
        }
        try (Statement statement = duckdb.createStatement()) {
            statement.execute("SET threads = 2");
            statement.execute("SET preserve_insertion_order = false");
        }

        CompactionResult result = table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false, ProgressListener.NONE);

        assertThat(result.filesRemoved()).isEqualTo(4);
        assertThat(result.filesAdded()).isEqualTo(1);
        AddFile compacted = table.snapshot().activeFiles().get(0);
        assertThat(table.rowsAndIdsOutOfPlace(duckdb, compacted)).containsExactly(4 * rowsPerFile, 0);
        try (Statement statement = duckdb.createStatement();
                ResultSet setting = statement.executeQuery("SELECT current_setting('preserve_insertion_order')")) {
            setting.next();
            assertThat(setting.getBoolean(1)).isFalse();
        }
    }

    @Test
    void partitionsThatAreCompactAlreadyAreLeftAlone() throws Exception {
        // Day 0 holds one file; day 1 a large file and one small; day 2 only small files.
        table.create(duckdb, "SELECT * FROM (" + TestTable.rows(0, 1, 1) + ") UNION ALL SELECT * FROM ("
                + TestTable.rows(1_000_000, 20_000, 1).replace("DATE '2024-01-01' +", "DATE '2024-01-02' +") + ")",
                List.of("day"));
        table.append(duckdb, TestTable.rows(2_000_000, 1, 1).replace("DATE '2024-01-01' +", "DATE '2024-01-02' +"));
        for (int append = 0; append < 4; append++) {
            table.append(duckdb, TestTable.rows(3_000_000 + append * 10L, 5, 1).replace("DATE '2024-01-01' +",
                    "DATE '2024-01-03' +"));
        }
        Snapshot before = table.snapshot();
        long largest = before.activeFiles().stream().mapToLong(AddFile::size).max().orElseThrow();
        Set<String> untouched = before.activeFiles().stream()
                .filter(file -> !file.partitionValues().get("day").orElseThrow().equals("2024-01-03"))
                .map(AddFile::path)
                .collect(Collectors.toSet());
        assertThat(untouched).hasSize(3);
        Map<String, List<String>> rowsBefore = table.rowsByPartition(duckdb);

        CompactionResult result = table.compactor(new CompactionSettings(4 * largest, largest, Long.MAX_VALUE))
                .compact(duckdb, () -> false, ProgressListener.NONE);

        assertThat(result.partitionsSkipped()).isEqualTo(2);
        assertThat(result.partitionsCompacted()).isEqualTo(1);
        assertThat(result.filesRemoved()).isEqualTo(4);
        assertThat(result.filesAdded()).isEqualTo(1);
        assertThat(table.snapshot().activeFiles()).extracting(AddFile::path).containsAll(untouched).hasSize(4);
        assertThat(table.rowsByPartition(duckdb)).isEqualTo(rowsBefore);
    }

    @Test
    void anUnpartitionedTableIsCompactedToo() throws Exception {
        table.create(duckdb, TestTable.rows(0, 10, 3), List.of());
        for (int append = 1; append <= 5; append++) {
            table.append(duckdb, TestTable.rows(append * 100L, 10, 3));
        }
        Map<String, List<String>> rowsBefore = table.rowsByPartition(duckdb);

        CompactionResult result = table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false, ProgressListener.NONE);

        assertThat(result.filesRemoved()).isEqualTo(6);
        assertThat(table.snapshot().activeFiles()).hasSize(1);
        assertThat(table.rowsByPartition(duckdb)).isEqualTo(rowsBefore);
        assertThat(table.kernelIds()).containsExactlyElementsOf(LongStream.rangeClosed(0, 5)
                .flatMap(append -> LongStream.range(append * 100, append * 100 + 10)).boxed().sorted().toList());
    }

    @Test
    void aRewriteRacingAnotherCompactionOfTheSameFilesReportsAConflictAndChangesNothing() throws Exception {
        table.create(duckdb, TestTable.rows(0, 6, 2), List.of("day"));
        for (int append = 1; append <= 4; append++) {
            table.append(duckdb, TestTable.rows(append * 100L, 6, 2));
        }
        Map<String, List<String>> rowsBefore = table.rowsByPartition(duckdb);
        long versionBefore = table.snapshot().version();
        List<CompactionResult> winner = new ArrayList<>();
        BlobStore racing = new BeforeFirstCommitBlobStore(table.store(), () -> {
            try (Connection other = DriverManager.getConnection("jdbc:duckdb:")) {
                winner.add(table.compactor(CompactionSettings.DEFAULT).compact(other, () -> false, ProgressListener.NONE));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        TestTable racingTable = new TestTable(racing, directory.resolve("racing"));

        CompactionResult loser = racingTable.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false,
                ProgressListener.NONE);

        assertThat(winner).singleElement().satisfies(result -> assertThat(result.committedVersions())
                .containsExactly(versionBefore + 1));
        assertThat(loser.committedVersions()).isEmpty();
        assertThat(loser.partitionsConflicted()).isEqualTo(2);
        assertThat(loser.partitionsCompacted()).isZero();
        assertThat(loser.filesRemoved()).isZero();
        assertThat(loser.conflicts()).singleElement().asString().contains("removed the file");
        assertThat(table.snapshot().version()).isEqualTo(versionBefore + 1);
        assertThat(table.snapshot().activeFiles()).hasSize(2);
        assertThat(table.rowsByPartition(duckdb)).isEqualTo(rowsBefore);
    }

    @Test
    void aCancelledRunCommitsNothingAndProgressOnlyGrows() throws Exception {
        table.create(duckdb, TestTable.rows(0, 6, 3), List.of("day"));
        for (int append = 1; append <= 3; append++) {
            table.append(duckdb, TestTable.rows(append * 100L, 6, 3));
        }
        long versionBefore = table.snapshot().version();
        int[] checks = {0};

        CompactionResult cancelled = table.compactor(CompactionSettings.DEFAULT)
                .compact(duckdb, () -> ++checks[0] > 2, ProgressListener.NONE);

        assertThat(cancelled.cancelled()).isTrue();
        assertThat(cancelled.committedVersions()).isEmpty();
        assertThat(table.snapshot().version()).isEqualTo(versionBefore);

        List<Double> fractions = new ArrayList<>();
        table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false, (fraction, message) -> fractions.add(fraction));
        assertThat(fractions).isSorted().last().isEqualTo(1.0);
        assertThat(fractions).allSatisfy(fraction -> assertThat(fraction).isBetween(0.0, 1.0));
    }

    @Test
    void aTableThatDoesNotExistIsRefused() {
        assertThatThrownBy(() -> table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false, ProgressListener.NONE))
                .isInstanceOf(MaintenanceRefusedException.class)
                .hasMessageContaining("does not exist");
        assertThat(table.store().list(TestTable.ROOT + DeltaLog.LOG_FOLDER)).isEmpty();
    }

    private static List<String> sorted(List<String> rows) {
        return rows.stream().sorted().toList();
    }
}
