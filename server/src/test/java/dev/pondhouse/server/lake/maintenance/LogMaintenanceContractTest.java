package dev.pondhouse.server.lake.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CheckpointWriter;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.DeltaLogException;
import dev.pondhouse.server.lake.delta.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link LogMaintenance} deletes from the log and what stays readable, on every blob store. */
abstract class LogMaintenanceContractTest {
    private static final String LOG = TestTable.ROOT + DeltaLog.LOG_FOLDER;
    private static final LogMaintenanceOptions KEEP_NOTHING = new LogMaintenanceOptions(Duration.ZERO, true, true);

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
    void aCheckpointOfTheLatestVersionLetsEveryOlderLogFileGoAndTheTableStaysReadable() throws Exception {
        writeVersions(25);
        upload(LOG + "00000000000000000003.crc");
        upload(LOG + "00000000000000000001.00000000000000000004.compacted.json");
        Snapshot before = table.snapshot();
        List<String> kernelRows = table.kernelRead().rows().stream().sorted().toList();

        LogMaintenanceResult result = maintenance(Clock.systemUTC()).run(KEEP_NOTHING, () -> false, ProgressListener.NONE);

        assertThat(result.checkpointVersion()).contains(24L);
        assertThat(result.cutoffCheckpoint()).contains(24L);
        assertThat(result.cancelled()).isFalse();
        assertThat(result.deletedFiles()).hasSize(24 + 2 + 2)
                .contains(DeltaLog.commitFileName(0), DeltaLog.commitFileName(23), DeltaLog.checkpointFileName(10),
                        DeltaLog.checkpointFileName(20), DeltaLog.LOG_FOLDER + "00000000000000000003.crc",
                        DeltaLog.LOG_FOLDER + "00000000000000000001.00000000000000000004.compacted.json");
        assertThat(table.store().list(LOG)).extracting(BlobEntry::name).containsExactlyInAnyOrder(
                TestTable.ROOT + DeltaLog.commitFileName(24), TestTable.ROOT + DeltaLog.checkpointFileName(24),
                LOG + CheckpointWriter.LAST_CHECKPOINT);
        Snapshot after = table.snapshot();
        assertThat(after.version()).isEqualTo(24);
        // A checkpoint lists every file with dataChange = false; the files themselves are the same.
        assertThat(after.activeFiles()).extracting(AddFile::path, AddFile::size, AddFile::stats)
                .isEqualTo(before.activeFiles().stream().map(file -> tuple(file.path(), file.size(), file.stats())).toList());
        assertThat(table.kernelRead().version()).isEqualTo(24);
        assertThat(table.kernelRead().rows().stream().sorted().toList()).isEqualTo(kernelRows);
        assertThatThrownBy(() -> table.log().snapshotAt(23)).isInstanceOf(DeltaLogException.class);

        // The table keeps working: appends, compaction and vacuum on the shortened log.
        table.append(duckdb, TestTable.rows(100_000, 6, 3));
        table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false, ProgressListener.NONE);
        new TableVacuum(table.store(), table.log(), table.format(), Clock.systemUTC())
                .vacuum(new VacuumOptions(Duration.ZERO, false, true), () -> false, ProgressListener.NONE);
        assertThat(table.kernelIds()).hasSize(kernelRows.size() + 6);
        assertThat(table.snapshot().activeFiles()).hasSize(3);
    }

    @Test
    void versionsWithinTheRetentionStayReadableFromTheNewestCheckpointBeforeThem() throws Exception {
        writeVersions(13);
        Thread.sleep(2_200);
        for (int append = 0; append < 5; append++) {
            table.append(duckdb, TestTable.rows(50_000 + append * 10L, 6, 3));
        }
        Instant version13 = table.store().properties(TestTable.ROOT + DeltaLog.commitFileName(13)).orElseThrow().lastModified();
        // The cutoff falls a second before version 13 and after version 12: the newest checkpoint before it is 10.
        Clock clock = Clock.fixed(version13.plus(Duration.ofHours(2)), ZoneOffset.UTC);

        LogMaintenanceResult result = maintenance(clock).run(
                new LogMaintenanceOptions(Duration.ofHours(2).plusSeconds(1), true, false), () -> false, ProgressListener.NONE);

        assertThat(result.checkpointVersion()).contains(17L);
        assertThat(result.cutoffCheckpoint()).contains(10L);
        assertThat(result.deletedFiles()).containsExactlyElementsOf(
                IntStream.range(0, 10).mapToObj(DeltaLog::commitFileName).toList());
        for (long version = 10; version <= 17; version++) {
            assertThat(table.log().snapshotAt(version).version()).isEqualTo(version);
        }
        assertThat(table.kernelRead().version()).isEqualTo(17);
    }

    @Test
    void withoutACheckpointOlderThanTheRetentionNothingIsDeleted() throws Exception {
        writeVersions(5);
        List<BlobEntry> before = table.store().list(LOG);

        LogMaintenanceResult result = maintenance(Clock.systemUTC())
                .run(new LogMaintenanceOptions(Duration.ZERO, false, true), () -> false, ProgressListener.NONE);

        assertThat(result.cutoffCheckpoint()).isEmpty();
        assertThat(result.deletedFiles()).isEmpty();
        assertThat(table.store().list(LOG)).isEqualTo(before);
    }

    @Test
    void aShortRetentionWithoutForceOrAnUnreadableLogIsRefusedAndNothingIsDeleted() throws Exception {
        writeVersions(12);
        List<BlobEntry> before = table.store().list(LOG);

        assertThatThrownBy(() -> maintenance(Clock.systemUTC()).run(new LogMaintenanceOptions(Duration.ofMinutes(59), true,
                false), () -> false, ProgressListener.NONE))
                .isInstanceOfSatisfying(MaintenanceRefusedException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER_ERROR));
        assertThat(table.store().list(LOG)).isEqualTo(before);

        Path garbage = Files.writeString(directory.resolve("garbage.json"), "{\"add\": not json");
        table.store().upload(TestTable.ROOT + DeltaLog.commitFileName(11), garbage);
        List<BlobEntry> corrupt = table.store().list(LOG);
        assertThatThrownBy(() -> maintenance(Clock.systemUTC()).run(KEEP_NOTHING, () -> false, ProgressListener.NONE))
                .isInstanceOf(MaintenanceRefusedException.class)
                .hasMessageContaining("nothing was deleted");
        assertThat(table.store().list(LOG)).isEqualTo(corrupt);
    }

    @Test
    void aTableThatDoesNotExistIsRefused() {
        assertThatThrownBy(() -> maintenance(Clock.systemUTC()).run(LogMaintenanceOptions.DEFAULT, () -> false,
                ProgressListener.NONE))
                .isInstanceOfSatisfying(MaintenanceRefusedException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    /** Versions 0 to {@code count - 1}: a create and appends of 6 rows into 3 partitions (checkpoints at 10, 20, ...). */
    private void writeVersions(int count) {
        table.create(duckdb, TestTable.rows(0, 6, 3), List.of("day"));
        for (int version = 1; version < count; version++) {
            table.append(duckdb, TestTable.rows(version * 100L, 6, 3));
        }
    }

    private void upload(String name) throws Exception {
        Path file = Files.writeString(directory.resolve("upload-" + name.replace('/', '_')), "{}");
        table.store().upload(name, file);
    }

    private LogMaintenance maintenance(Clock clock) {
        return new LogMaintenance(table.store(), table.log(), new CheckpointWriter(table.store(), table.format(),
                directory.resolve("checkpoints"), clock, TableVacuum.DEFAULT_RETENTION), clock);
    }
}
