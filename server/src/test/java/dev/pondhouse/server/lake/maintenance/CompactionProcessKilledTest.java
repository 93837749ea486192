package dev.pondhouse.server.lake.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compaction process dies: between its uploads and its commit, or killed with {@code kill -9} at a
 * random moment. Readers must see the old snapshot exactly (or the compacted one, whole), and vacuum
 * must remove what the dead process left behind.
 */
class CompactionProcessKilledTest {
    private static final int KILL_ROUNDS = 3;

    @TempDir
    Path directory;

    Connection duckdb;
    TestTable table;

    @BeforeEach
    void open() throws Exception {
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        table = new TestTable(new LocalBlobStore(directory.resolve("lake")), directory);
        table.create(duckdb, TestTable.rows(0, 6, 3), List.of("day"));
        for (int append = 1; append <= 10; append++) {
            table.append(duckdb, TestTable.rows(append * 100L, 6, 3));
        }
    }

    @AfterEach
    void close() throws Exception {
        duckdb.close();
    }

    @Test
    void aProcessDyingBetweenUploadAndCommitLeavesTheOldSnapshotAndOrphansThatVacuumRemoves() throws Exception {
        Snapshot before = table.snapshot();
        Map<String, List<String>> rowsBefore = table.rowsByPartition(duckdb);
        List<String> kernelBefore = table.kernelRead().rows().stream().sorted().toList();
        Set<String> filesBefore = Set.copyOf(table.dataFileNames());

        Process process = start("halt", 0);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit status; output:%n%s", output(0)).isEqualTo(CompactingProcess.HALTED);

        assertThat(table.snapshot().version()).isEqualTo(before.version());
        assertThat(table.snapshot().activeFiles()).isEqualTo(before.activeFiles());
        assertThat(table.rowsByPartition(duckdb)).isEqualTo(rowsBefore);
        assertThat(table.kernelRead().rows().stream().sorted().toList()).isEqualTo(kernelBefore);
        Set<String> orphans = new HashSet<>(table.dataFileNames());
        orphans.removeAll(filesBefore);
        assertThat(orphans).as("the uploads of the dead compaction, one per partition").hasSize(3);

        TableVacuum vacuum = new TableVacuum(table.store(), table.log(), table.format(), Clock.systemUTC());
        VacuumOptions everythingOld = new VacuumOptions(Duration.ZERO, false, true);
        VacuumResult dryRun = vacuum.vacuum(everythingOld.asDryRun(), () -> false, ProgressListener.NONE);
        assertThat(dryRun.files()).extracting(file -> TestTable.ROOT + file.path()).containsExactlyInAnyOrderElementsOf(orphans);
        assertThat(dryRun.files()).allSatisfy(file -> assertThat(file.reason()).isEqualTo(VacuumResult.Reason.ORPHAN));

        vacuum.vacuum(everythingOld, () -> false, ProgressListener.NONE);

        assertThat(Set.copyOf(table.dataFileNames())).isEqualTo(filesBefore);
        assertThat(table.rowsByPartition(duckdb)).isEqualTo(rowsBefore);
        CompactionResult compacted = table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false,
                ProgressListener.NONE);
        assertThat(compacted.filesRemoved()).isEqualTo(33);
        assertThat(table.rowsByPartition(duckdb)).isEqualTo(rowsBefore);
    }

    @Test
    void aProcessDyingWithFilesWrittenIntoTheTableFolderLeavesTheOldSnapshotAndOrphansThatVacuumRemoves()
            throws Exception {
        Snapshot before = table.snapshot();
        Map<String, List<String>> rowsBefore = table.rowsByPartition(duckdb);
        Set<String> filesBefore = Set.copyOf(table.dataFileNames());

        Process process = start("halt-in-place", 0);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit status; output:%n%s", output(0)).isEqualTo(CompactingProcess.HALTED);

        assertThat(table.snapshot().activeFiles()).isEqualTo(before.activeFiles());
        assertThat(table.rowsByPartition(duckdb)).isEqualTo(rowsBefore);
        Set<String> orphans = new HashSet<>(table.dataFileNames());
        orphans.removeAll(filesBefore);
        assertThat(orphans).as("the two bins written before the process died").hasSize(2);

        TableVacuum vacuum = new TableVacuum(table.store(), table.log(), table.format(), Clock.systemUTC());
        VacuumOptions everythingOld = new VacuumOptions(Duration.ZERO, false, true);
        assertThat(vacuum.vacuum(everythingOld.asDryRun(), () -> false, ProgressListener.NONE).files())
                .allSatisfy(file -> assertThat(file.reason()).isEqualTo(VacuumResult.Reason.ORPHAN))
                .extracting(file -> TestTable.ROOT + file.path()).containsExactlyInAnyOrderElementsOf(orphans);
        vacuum.vacuum(everythingOld, () -> false, ProgressListener.NONE);
        assertThat(Set.copyOf(table.dataFileNames())).isEqualTo(filesBefore);
        assertThat(table.rowsByPartition(duckdb)).isEqualTo(rowsBefore);
    }

    @Test
    void processesKilledAtRandomMomentsLeaveEitherTheOldOrTheCompactedTableWithTheSameRows() throws Exception {
        Random random = new Random(20_241_128);
        for (int round = 1; round <= KILL_ROUNDS; round++) {
            for (int append = 0; append < 4; append++) {
                table.append(duckdb, TestTable.rows(round * 10_000L + append * 100L, 6, 3));
            }
            Snapshot before = table.snapshot();
            Map<String, List<String>> rowsBefore = table.rowsByPartition(duckdb);
            List<String> kernelBefore = table.kernelRead().rows().stream().sorted().toList();

            Process process = start("run", round);
            boolean finished = process.waitFor(500 + random.nextInt(4_000), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly();
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } else {
                assertThat(process.exitValue()).as("exit status; output:%n%s", output(round)).isZero();
            }

            Snapshot after = table.snapshot();
            assertThat(after.version()).as("round %d: old or compacted", round).isBetween(before.version(), before.version() + 1);
            assertThat(table.rowsByPartition(duckdb)).isEqualTo(rowsBefore);
            assertThat(table.kernelRead().rows().stream().sorted().toList()).isEqualTo(kernelBefore);
        }

        new TableVacuum(table.store(), table.log(), table.format(), Clock.systemUTC())
                .vacuum(new VacuumOptions(Duration.ZERO, false, true), () -> false, ProgressListener.NONE);
        assertThat(table.dataFileNames()).containsExactlyInAnyOrderElementsOf(table.activeFileNames());
        assertThat(table.kernelRead().rows()).hasSize(6 * (11 + 4 * KILL_ROUNDS));
    }

    private Process start(String mode, int index) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CompactingProcess.class.getName(),
                directory.resolve("lake").toString(), directory.resolve("process-work-" + index).toString(), mode)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("process-" + index + ".log").toFile())
                .start();
    }

    private String output(int index) throws Exception {
        return Files.readString(directory.resolve("process-" + index + ".log"));
    }
}
