package dev.pondhouse.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import dev.pondhouse.server.lake.blob.ForwardingBlobStore;
import dev.pondhouse.server.lake.delta.KernelTableReader;
import dev.pondhouse.server.pipeline.JobProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest from a folder of arriving files: small files every few minutes, partitioned by day, each
 * appended exactly once across runs, and across crashes just before and just after the commit.
 */
class FolderIngestTest {
    private static final LakeTableName TABLE = LakeTableName.parse("sensors.readings");
    private static final int ROWS_PER_FILE = 3;

    @TempDir
    Path folder;

    private JobEngine engine;
    private Path incoming;
    private FolderIngest.Source source;

    @BeforeEach
    void start() throws Exception {
        engine = new JobEngine(1, "512MB", folder.resolve("spill"));
        engine.start();
        incoming = Files.createDirectories(folder.resolve("incoming"));
        source = new FolderIngest.Source(TABLE, incoming, FolderIngest.Format.PARQUET, List.of("day"));
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
    }

    @Test
    void eachNewFileIsAppendedOnceAcrossRunsIntoItsDay() throws Exception {
        FolderIngest ingest = new FolderIngest(engine, lake(), table -> {});
        arrive(1, 0, 1, 2);
        arrive(2, 0, 1);
        Files.writeString(incoming.resolve(".upload-in-progress.parquet"), "not yet a Parquet file");

        FolderIngest.Result first = ingest.run(source, () -> false, JobProgress.NONE);
        FolderIngest.Result again = ingest.run(source, () -> false, JobProgress.NONE);
        arrive(2, 2, 3);
        arrive(3, 0);
        FolderIngest.Result later = ingest.run(source, () -> false, JobProgress.NONE);

        assertThat(first.filesAppended()).isEqualTo(5);
        assertThat(first.rowsAppended()).isEqualTo(5 * ROWS_PER_FILE);
        assertThat(again.filesAppended()).isZero();
        assertThat(again.filesAlreadyIngested()).isEqualTo(5);
        assertThat(later.filesAppended()).isEqualTo(3);
        assertThat(rowsPerDay()).isEqualTo(Map.of("2024-05-01", 9L, "2024-05-02", 12L, "2024-05-03", 3L));
        assertThat(lake().latest(TABLE).orElseThrow().metadata().partitionColumns()).containsExactly("day");
    }

    @Test
    void aCrashAfterTheCommitDoesNotAppendTheFilesAgain() throws Exception {
        arrive(1, 0, 1, 2);
        FolderIngest crashing = new FolderIngest(engine, lake(), table -> {
            throw new IllegalStateException("the process died right after the commit");
        });
        assertThatThrownBy(() -> crashing.run(source, () -> false, JobProgress.NONE)).hasMessageContaining("died");

        arrive(1, 3);
        FolderIngest.Result rerun = new FolderIngest(engine, lake(), table -> {}).run(source, () -> false, JobProgress.NONE);

        assertThat(rerun.filesAppended()).isEqualTo(1);
        assertThat(rerun.filesAlreadyIngested()).isEqualTo(3);
        assertThat(rowsPerDay()).isEqualTo(Map.of("2024-05-01", 12L));
    }

    @Test
    void aCrashBeforeTheCommitDoesNotSkipTheFiles() throws Exception {
        arrive(1, 0, 1);
        new FolderIngest(engine, lake(), table -> {}).run(source, () -> false, JobProgress.NONE);
        arrive(1, 2, 3);
        BlobStore dying = new ForwardingBlobStore(new LocalBlobStore(folder.resolve("lake"))) {
            @Override
            public CreateOutcome createIfAbsent(String name, byte[] content) {
                if (isCommitFile(name)) {
                    throw new IllegalStateException("the process died just before the commit");
                }
                return super.createIfAbsent(name, content);
            }
        };
        DeltaLake dyingLake = DeltaLake.local(folder.resolve("lake"), dying, folder.resolve("work"),
                Clock.systemUTC(), DeltaWriterSettings.DEFAULT);
        assertThatThrownBy(() -> new FolderIngest(engine, dyingLake, table -> {}).run(source, () -> false, JobProgress.NONE))
                .hasMessageContaining("died");
        assertThat(rowsPerDay()).isEqualTo(Map.of("2024-05-01", 6L));

        FolderIngest.Result rerun = new FolderIngest(engine, lake(), table -> {}).run(source, () -> false, JobProgress.NONE);

        assertThat(rerun.filesAppended()).isEqualTo(2);
        assertThat(rowsPerDay()).isEqualTo(Map.of("2024-05-01", 12L));
        KernelTableReader.KernelTable kernel = KernelTableReader.read(folder.resolve("lake/sensors/readings"),
                List.of("file", "row"));
        assertThat(kernel.rows()).hasSize(12).doesNotHaveDuplicates();
    }

    private DeltaLake lake() {
        return DeltaLake.local(folder.resolve("lake"), folder.resolve("work"), Clock.systemUTC(),
                DeltaWriterSettings.DEFAULT);
    }

    /** Files of day {@code day} of May 2024, named by their five-minute slot, each with three rows. */
    private void arrive(int day, int... slots) throws Exception {
        Path dayFolder = Files.createDirectories(incoming.resolve("2024-05-%02d".formatted(day)));
        try (Connection connection = engine.openConnection(); Statement statement = connection.createStatement()) {
            for (int slot : slots) {
                String name = "%04d.parquet".formatted(slot * 5);
                statement.execute("COPY (SELECT DATE '2024-05-%02d' AS day, '%s/%s' AS file, i::INTEGER AS row,".formatted(day,
                        dayFolder.getFileName(), name) + " i * 0.5 AS value FROM range(" + ROWS_PER_FILE + ") t(i)) TO "
                        + SqlIdentifiers.literal(dayFolder.resolve(name).toString()) + " (FORMAT parquet)");
            }
        }
    }

    private Map<String, Long> rowsPerDay() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        DeltaLake lake = lake();
        List<Path> files = lake.reads("test").files(TABLE).orElseThrow().files();
        String list = files.stream().map(Path::toString).map(SqlIdentifiers::literal)
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        try (Connection connection = engine.openConnection(); Statement statement = connection.createStatement();
                var result = statement.executeQuery("SELECT day::VARCHAR, count(*) FROM read_parquet(" + list
                        + ", hive_partitioning = true) GROUP BY ALL")) {
            while (result.next()) {
                counts.put(result.getString(1), result.getLong(2));
            }
        }
        return counts;
    }
}
