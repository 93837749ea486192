package dev.pondhouse.server.lake.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CheckpointWriter;
import dev.pondhouse.server.lake.delta.CommitInfo;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.Snapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link TableVacuum} deletes and what it never deletes, on every blob store. */
abstract class TableVacuumContractTest {
    private static final String ORPHAN = "day=2024-01-01/part-orphan-of-a-failed-write.parquet";
    private static final List<String> HIDDEN = List.of("_staging/leftover.parquet", "day=2024-01-02/.part-x.parquet.crc",
            DeltaLog.LOG_FOLDER + "not-a-log-file.txt");
    private static final Clock EIGHT_DAYS_LATER = Clock.offset(Clock.systemUTC(), Duration.ofDays(8));

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
        duckdb.close();
    }

    @Test
    void aDryRunListsExactlyTheFilesRemovedBeforeTheRetentionAndTheOrphansAndDeletesNothing() throws Exception {
        Set<String> removed = compactedTableWithOrphanAndHiddenFiles();
        List<BlobEntry> before = table.store().list(TestTable.ROOT);

        VacuumResult result = vacuum(EIGHT_DAYS_LATER).vacuum(VacuumOptions.DEFAULT.asDryRun(), () -> false,
                ProgressListener.NONE);

        assertThat(result.dryRun()).isTrue();
        assertThat(result.version()).isEqualTo(table.snapshot().version());
        assertThat(result.files()).extracting(VacuumResult.DeletedFile::path)
                .containsExactlyInAnyOrderElementsOf(union(removed, Set.of(ORPHAN)));
        assertThat(result.files()).allSatisfy(file -> assertThat(file.reason()).isEqualTo(
                file.path().equals(ORPHAN) ? VacuumResult.Reason.ORPHAN : VacuumResult.Reason.REMOVED));
        Map<String, Long> sizes = before.stream().collect(Collectors.toMap(BlobEntry::name, BlobEntry::size));
        assertThat(result.files()).allSatisfy(file -> assertThat(file.size()).isEqualTo(sizes.get(TestTable.ROOT + file.path())));
        assertThat(table.store().list(TestTable.ROOT)).isEqualTo(before);
    }

    @Test
    void vacuumDeletesWhatTheDryRunListedAndTheTableStaysReadable() throws Exception {
        Set<String> removed = compactedTableWithOrphanAndHiddenFiles();
        List<String> kernelRows = table.kernelRead().rows().stream().sorted().toList();
        TableVacuum vacuum = vacuum(EIGHT_DAYS_LATER);
        List<String> listed = vacuum.vacuum(VacuumOptions.DEFAULT.asDryRun(), () -> false, ProgressListener.NONE).files()
                .stream().map(VacuumResult.DeletedFile::path).toList();

        VacuumResult result = vacuum.vacuum(VacuumOptions.DEFAULT, () -> false, ProgressListener.NONE);

        assertThat(result.dryRun()).isFalse();
        assertThat(result.files()).extracting(VacuumResult.DeletedFile::path).containsExactlyInAnyOrderElementsOf(listed);
        assertThat(result.bytes()).isPositive();
        assertThat(table.dataFileNames()).containsExactlyInAnyOrderElementsOf(union(Set.copyOf(table.activeFileNames()),
                HIDDEN.stream().filter(path -> !path.startsWith(DeltaLog.LOG_FOLDER)).map(path -> TestTable.ROOT + path)
                        .collect(Collectors.toSet())));
        assertThat(table.store().properties(TestTable.ROOT + HIDDEN.get(2))).isPresent();
        assertThat(removed).allSatisfy(path -> assertThat(table.store().properties(TestTable.ROOT + path)).isEmpty());
        assertThat(table.kernelRead().rows().stream().sorted().toList()).isEqualTo(kernelRows);
        assertThat(vacuum.vacuum(VacuumOptions.DEFAULT, () -> false, ProgressListener.NONE).files()).isEmpty();
    }

    @Test
    void withinTheRetentionNothingIsDeleted() throws Exception {
        compactedTableWithOrphanAndHiddenFiles();
        List<BlobEntry> before = table.store().list(TestTable.ROOT);

        VacuumResult result = vacuum(Clock.systemUTC()).vacuum(VacuumOptions.DEFAULT, () -> false, ProgressListener.NONE);

        assertThat(result.files()).isEmpty();
        assertThat(table.store().list(TestTable.ROOT)).isEqualTo(before);
    }

    @Test
    void filesOfTheSnapshotCurrentAtTheCutoffAreKeptEvenWhenCheckpointsDroppedTheirTombstones() throws Exception {
        table.create(duckdb, TestTable.rows(0, 6, 3), List.of("day"));
        uploadOrphan(ORPHAN);
        for (int append = 1; append <= 3; append++) {
            table.append(duckdb, TestTable.rows(append * 100L, 6, 3));
        }
        Set<String> compactedAway = paths(table.snapshot());
        Thread.sleep(2_200);
        table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false, ProgressListener.NONE);
        Snapshot compacted = table.snapshot();
        new CheckpointWriter(table.store(), table.format(), directory.resolve("checkpoint"), Clock.systemUTC(), Duration.ZERO)
                .write(TestTable.ROOT, compacted);
        assertThat(table.snapshot().tombstones()).as("the checkpoint dropped the tombstones").isEmpty();
        Instant compactionCommitted = table.store().properties(TestTable.ROOT + DeltaLog.commitFileName(compacted.version()))
                .orElseThrow().lastModified();
        // The cutoff falls a second before the compaction's commit, after every earlier commit.
        Clock clock = Clock.fixed(compactionCommitted.plus(Duration.ofHours(2)), ZoneOffset.UTC);

        VacuumResult result = vacuum(clock).vacuum(VacuumOptions.DEFAULT.withRetention(Duration.ofHours(2).plusSeconds(1)),
                () -> false, ProgressListener.NONE);

        assertThat(result.files()).extracting(VacuumResult.DeletedFile::path, VacuumResult.DeletedFile::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ORPHAN, VacuumResult.Reason.ORPHAN));
        assertThat(compactedAway).allSatisfy(path -> assertThat(table.store().properties(TestTable.ROOT + path)).isPresent());
    }

    @Test
    void filesOfTheCurrentSnapshotAreNeverDeletedEvenWithNoRetention() throws Exception {
        Set<String> removed = compactedTableWithOrphanAndHiddenFiles();
        table.append(duckdb, TestTable.rows(10_000, 6, 3));
        List<String> kernelRows = table.kernelRead().rows().stream().sorted().toList();

        VacuumResult result = vacuum(Clock.systemUTC()).vacuum(new VacuumOptions(Duration.ZERO, false, true), () -> false,
                ProgressListener.NONE);

        assertThat(result.files()).extracting(VacuumResult.DeletedFile::path)
                .containsExactlyInAnyOrderElementsOf(union(removed, Set.of(ORPHAN)));
        assertThat(table.activeFileNames()).hasSize(6)
                .allSatisfy(name -> assertThat(table.store().properties(name)).isPresent());
        assertThat(HIDDEN).allSatisfy(path -> assertThat(table.store().properties(TestTable.ROOT + path)).isPresent());
        assertThat(table.kernelRead().rows().stream().sorted().toList()).isEqualTo(kernelRows);
        assertThat(table.log().snapshotAt(0).version()).isZero();
    }

    @Test
    void aRetentionBelowTheSafetyFloorIsRefusedUnlessForced() throws Exception {
        compactedTableWithOrphanAndHiddenFiles();
        List<BlobEntry> before = table.store().list(TestTable.ROOT);
        VacuumOptions short_ = VacuumOptions.DEFAULT.withRetention(Duration.ofMinutes(59));

        assertThatThrownBy(() -> vacuum(EIGHT_DAYS_LATER).vacuum(short_, () -> false, ProgressListener.NONE))
                .isInstanceOfSatisfying(MaintenanceRefusedException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER_ERROR))
                .hasMessageContaining("safety floor");
        assertThat(table.store().list(TestTable.ROOT)).isEqualTo(before);
        assertThat(vacuum(EIGHT_DAYS_LATER).vacuum(short_.forced().asDryRun(), () -> false, ProgressListener.NONE).files())
                .hasSize(16);
    }

    @Test
    void aLogThatCannotBeReadIsRefusedAndNothingIsDeleted() throws Exception {
        compactedTableWithOrphanAndHiddenFiles();
        long latest = table.snapshot().version();
        Path garbage = Files.writeString(directory.resolve("garbage.json"), "{\"add\": not json", StandardCharsets.UTF_8);
        table.store().upload(TestTable.ROOT + DeltaLog.commitFileName(latest), garbage);
        List<BlobEntry> before = table.store().list(TestTable.ROOT);
        List<String> dataFiles = table.dataFileNames();
        VacuumOptions everything = new VacuumOptions(Duration.ZERO, false, true);

        assertThatThrownBy(() -> vacuum(EIGHT_DAYS_LATER).vacuum(everything, () -> false, ProgressListener.NONE))
                .isInstanceOf(MaintenanceRefusedException.class)
                .hasMessageContaining("nothing was deleted");
        assertThat(table.store().list(TestTable.ROOT)).isEqualTo(before);

        table.store().delete(TestTable.ROOT + DeltaLog.commitFileName(latest));
        table.store().delete(TestTable.ROOT + DeltaLog.commitFileName(2));
        assertThatThrownBy(() -> vacuum(EIGHT_DAYS_LATER).vacuum(everything, () -> false, ProgressListener.NONE))
                .isInstanceOf(MaintenanceRefusedException.class)
                .hasMessageContaining("missing version 2");
        assertThat(table.dataFileNames()).isEqualTo(dataFiles);
    }

    @Test
    void aLogWithAbsolutePathsOrNoLogAtAllIsRefused() throws Exception {
        assertThatThrownBy(() -> vacuum(EIGHT_DAYS_LATER).vacuum(VacuumOptions.DEFAULT, () -> false, ProgressListener.NONE))
                .isInstanceOfSatisfying(MaintenanceRefusedException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));

        table.create(duckdb, TestTable.rows(0, 6, 3), List.of("day"));
        uploadOrphan(ORPHAN);
        AddFile elsewhere = new AddFile("file:///somewhere/else/part-0.parquet", Map.of("day", Optional.of("2024-01-01")),
                10, 0, true, Optional.empty(), Map.of());
        assertThat(table.log().commit(0, List.of(CommitInfo.of(0, "WRITE", Map.of()), elsewhere)).committed()).isTrue();

        assertThatThrownBy(() -> vacuum(EIGHT_DAYS_LATER).vacuum(VacuumOptions.DEFAULT, () -> false, ProgressListener.NONE))
                .isInstanceOfSatisfying(MaintenanceRefusedException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED))
                .hasMessageContaining("absolute path");
        assertThat(table.store().properties(TestTable.ROOT + ORPHAN)).isPresent();
    }

    @Test
    void aCancelledRunStopsAndReportsWhatItDeleted() throws Exception {
        compactedTableWithOrphanAndHiddenFiles();
        int[] checks = {0};

        VacuumResult result = vacuum(EIGHT_DAYS_LATER).vacuum(VacuumOptions.DEFAULT, () -> ++checks[0] > 4,
                ProgressListener.NONE);

        assertThat(result.cancelled()).isTrue();
        assertThat(result.files()).hasSize(4)
                .allSatisfy(file -> assertThat(table.store().properties(TestTable.ROOT + file.path())).isEmpty());
        assertThat(vacuum(EIGHT_DAYS_LATER).vacuum(VacuumOptions.DEFAULT.asDryRun(), () -> false, ProgressListener.NONE)
                .files()).hasSize(12);
    }

    /**
     * A table of 5 commits into 3 partitions (15 files), compacted (3 files), with an orphan data file
     * and hidden files. Returns the paths compaction removed.
     */
    private Set<String> compactedTableWithOrphanAndHiddenFiles() throws Exception {
        table.create(duckdb, TestTable.rows(0, 6, 3), List.of("day"));
        for (int append = 1; append <= 4; append++) {
            table.append(duckdb, TestTable.rows(append * 100L, 6, 3));
        }
        Set<String> before = paths(table.snapshot());
        table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false, ProgressListener.NONE);
        uploadOrphan(ORPHAN);
        for (String hidden : HIDDEN) {
            uploadOrphan(hidden);
        }
        assertThat(table.snapshot().activeFiles()).hasSize(3);
        assertThat(before).hasSize(15);
        return before;
    }

    private void uploadOrphan(String path) throws Exception {
        Path file = Files.writeString(directory.resolve("orphan-" + path.replace('/', '_')), "not really parquet " + path);
        table.store().upload(TestTable.ROOT + path, file);
    }

    private TableVacuum vacuum(Clock clock) {
        return new TableVacuum(table.store(), table.log(), table.format(), clock);
    }

    private static Set<String> paths(Snapshot snapshot) {
        return snapshot.activeFiles().stream().map(AddFile::path).collect(Collectors.toSet());
    }

    private static <T> Set<T> union(Set<T> first, Set<T> second) {
        List<T> all = new ArrayList<>(first);
        all.addAll(second);
        return Set.copyOf(all);
    }
}
