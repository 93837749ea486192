package dev.pondhouse.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import dev.pondhouse.server.lake.delta.KernelTableReader;
import dev.pondhouse.server.lake.delta.Snapshot;
import dev.pondhouse.server.lake.maintenance.ProgressListener;
import dev.pondhouse.server.lake.maintenance.TableVacuum;
import dev.pondhouse.server.lake.maintenance.VacuumOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pondhouse pipeline run} as a process, killed with {@code kill -9} at random moments of a run
 * whose steps overwrite a partitioned table, overwrite a summary of it, and append to a third table.
 * After each kill every table holds exactly its old or its new content, never a part of a write;
 * running the same run id again completes the run without repeating the append that committed; and
 * vacuum removes the files the dead processes uploaded without committing.
 */
class PipelineProcessKilledTest {
    private static final int ROUNDS = 3;
    private static final long FACT_ROWS = 1_500_000;
    private static final long BASE_PER_ROUND = 10_000_000;
    private static final int DAYS = 5;
    private static final int EVENTS_PER_ROUND = 1_000;

    @TempDir
    Path folder;

    Path lake;
    Path config;
    Connection duckdb;

    @BeforeEach
    void setUp() throws Exception {
        lake = folder.resolve("lake");
        Files.createDirectories(lake);
        Files.createDirectories(folder.resolve("pipelines"));
        config = folder.resolve("pondhouse.yaml");
        Files.writeString(config, """
                lake:
                  root: %s
                pipelines:
                  directory: %s
                  work-directory: %s
                """.formatted(lake, folder.resolve("pipelines"), folder.resolve("work")));
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
    }

    @AfterEach
    void tearDown() throws Exception {
        duckdb.close();
    }

    @Test
    void killedRunsLeaveOldOrNewTablesAndResumingTheRunIdCompletesItOnce() throws Exception {
        Random random = new Random(20_261_128);
        for (int round = 1; round <= ROUNDS; round++) {
            writePipeline(round);
            Process process = start(round, "killed-" + round);
            // Odd rounds die at a random moment of the whole run, even ones shortly after the first step
            // committed (the later steps are short).
            String milestone = round % 2 == 1 ? "Running pipeline build" : "step facts committed";
            boolean finished = awaitOutput(process, "killed-" + round, milestone)
                    || process.waitFor(round % 2 == 1 ? random.nextInt(3_000) : random.nextInt(150), TimeUnit.MILLISECONDS);
            if (finished) {
                assertThat(process.exitValue()).as("exit status; output:%n%s", output("killed-" + round)).isZero();
            } else {
                process.destroyForcibly();
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }

            int factsRound = factsRound(round);
            assertThat(factsRound).as("round %d: facts old or new", round).isBetween(round - 1, round);
            int summaryRound = summaryRound(round);
            assertThat(summaryRound).as("round %d: summary old or new, never ahead of facts", round)
                    .isBetween(round - 1, factsRound);
            assertThat(eventCounts()).as("round %d: earlier rounds' appends once, this round's whole or absent", round)
                    .isIn(expectedEvents(round - 1), expectedEvents(round));

            Process resumed = start(round, "resumed-" + round);
            assertThat(resumed.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(resumed.exitValue()).as("exit status; output:%n%s", output("resumed-" + round)).isZero();
            assertThat(factsRound(round)).isEqualTo(round);
            assertThat(summaryRound(round)).isEqualTo(round);
            assertThat(eventCounts()).isEqualTo(expectedEvents(round));
        }

        for (String table : List.of("facts", "summary", "events")) {
            DeltaLog log = log(table);
            new TableVacuum(store(), log, new CommitFileFormat(), Clock.systemUTC())
                    .vacuum(new VacuumOptions(Duration.ZERO, false, true), () -> false, ProgressListener.NONE);
            Snapshot snapshot = log.latest().orElseThrow();
            List<String> active = snapshot.activeFiles().stream().map(AddFile::path).sorted().toList();
            assertThat(dataFilesIn(table)).as("only the active files of %s remain", table).isEqualTo(active);
        }
        assertThat(factsRound(ROUNDS)).isEqualTo(ROUNDS);
        assertThat(eventCounts()).isEqualTo(expectedEvents(ROUNDS));
    }

    private void writePipeline(int round) throws IOException {
        long base = round * BASE_PER_ROUND;
        Files.writeString(folder.resolve("pipelines/build.yaml"), """
                steps:
                  - name: facts
                    table: shop.facts
                    mode: overwrite
                    partition-by: [day]
                    sql: |
                      SELECT i + %d AS id, CAST(i %% %d AS INTEGER) AS day, md5(CAST(i AS VARCHAR)) AS payload
                      FROM range(%d) t(i)
                  - name: summary
                    table: shop.summary
                    mode: overwrite
                    sql: SELECT day, count(*) AS n, min(id) AS low FROM shop.facts GROUP BY day
                  - name: events
                    table: shop.events
                    mode: append
                    after: [summary]
                    sql: SELECT CAST(%d AS INTEGER) AS round, range AS seq FROM range(%d)
                """.formatted(base, DAYS, FACT_ROWS, round, EVENTS_PER_ROUND));
    }

    private Process start(int round, String name) throws IOException {
        List<String> command = ServerProcessTest.javaCommand("pipeline", "run", "build", "--config", config.toString(),
                "--run-id", Integer.toString(round));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve(name + ".log").toFile())
                .start();
    }

    /**
     * Waits until the process's output contains {@code text}; true if the process ended first (then
     * the text need not have appeared).
     */
    private boolean awaitOutput(Process process, String name, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!output(name).contains(text)) {
            if (process.waitFor(20, TimeUnit.MILLISECONDS)) {
                return true;
            }
            assertThat(System.nanoTime()).as("'%s' in the output of %s within 60 s", text, name).isLessThan(deadline);
        }
        return false;
    }

    private String output(String name) throws IOException {
        return Files.readString(folder.resolve(name + ".log"));
    }

    /**
     * The round whose facts the latest snapshot holds, 0 for no table; fails unless the snapshot is
     * exactly one round's rows, and unless Delta Kernel sees the same version and files.
     */
    private int factsRound(int round) throws Exception {
        Optional<Snapshot> snapshot = log("facts").latest();
        if (snapshot.isEmpty()) {
            return 0;
        }
        assertKernelSeesTheSameFiles("facts", snapshot.get());
        try (Statement statement = duckdb.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*), min(id), max(id), count(DISTINCT id) FROM "
                        + read("facts", snapshot.get()))) {
            assertThat(result.next()).isTrue();
            long low = result.getLong(2);
            assertThat(low % BASE_PER_ROUND).isZero();
            int factsRound = (int) (low / BASE_PER_ROUND);
            assertThat(factsRound).as("facts from round %d seen in round %d", factsRound, round).isBetween(1, round);
            assertThat(result.getLong(1)).isEqualTo(FACT_ROWS);
            assertThat(result.getLong(3)).isEqualTo(low + FACT_ROWS - 1);
            assertThat(result.getLong(4)).isEqualTo(FACT_ROWS);
            return factsRound;
        }
    }

    /** The round of the facts the summary was computed from, 0 for no table; fails unless it is whole. */
    private int summaryRound(int round) throws Exception {
        Optional<Snapshot> snapshot = log("summary").latest();
        if (snapshot.isEmpty()) {
            return 0;
        }
        List<String> rows = KernelTableReader.read(lake.resolve("shop/summary"), List.of("day", "n", "low")).rows()
                .stream().sorted().toList();
        assertThat(rows).hasSize(DAYS);
        long low = Long.parseLong(rows.get(0).split("\\|")[2].trim());
        int summaryRound = (int) (low / BASE_PER_ROUND);
        assertThat(summaryRound).isBetween(1, round);
        List<String> expected = new ArrayList<>();
        for (int day = 0; day < DAYS; day++) {
            expected.add(String.join("|", Integer.toString(day), Long.toString(FACT_ROWS / DAYS),
                    Long.toString(summaryRound * BASE_PER_ROUND + day)));
        }
        assertThat(rows.stream().map(row -> row.replace(" ", "")).toList()).isEqualTo(expected);
        return summaryRound;
    }

    /** Rows of {@code shop.events} per round, as "round:count" in round order. */
    private List<String> eventCounts() throws Exception {
        Optional<Snapshot> snapshot = log("events").latest();
        if (snapshot.isEmpty()) {
            return List.of();
        }
        List<String> counts = new ArrayList<>();
        try (Statement statement = duckdb.createStatement();
                ResultSet result = statement.executeQuery("SELECT round, count(*), count(DISTINCT seq) FROM "
                        + read("events", snapshot.get()) + " GROUP BY round ORDER BY round")) {
            while (result.next()) {
                assertThat(result.getLong(3)).isEqualTo(result.getLong(2));
                counts.add(result.getInt(1) + ":" + result.getLong(2));
            }
        }
        return counts;
    }

    private static List<String> expectedEvents(int rounds) {
        List<String> counts = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            counts.add(round + ":" + EVENTS_PER_ROUND);
        }
        return counts;
    }

    private void assertKernelSeesTheSameFiles(String table, Snapshot snapshot) throws Exception {
        KernelTableReader.KernelTable kernel = KernelTableReader.read(lake.resolve("shop").resolve(table), List.of());
        assertThat(kernel.version()).isEqualTo(snapshot.version());
        assertThat(kernel.files().stream().map(file -> file.substring(file.lastIndexOf('/') + 1)).sorted().toList())
                .isEqualTo(snapshot.activeFiles().stream().map(AddFile::path)
                        .map(path -> path.substring(path.lastIndexOf('/') + 1)).sorted().toList());
    }

    private String read(String table, Snapshot snapshot) {
        String files = snapshot.activeFiles().stream()
                .map(add -> SqlIdentifiers.literal(lake.resolve("shop").resolve(table).resolve(add.path()).toString()))
                .collect(Collectors.joining(", ", "[", "]"));
        return "read_parquet(" + files + ", hive_partitioning = false)";
    }

    private List<String> dataFilesIn(String table) throws IOException {
        Path tableFolder = lake.resolve("shop").resolve(table);
        try (Stream<Path> files = Files.walk(tableFolder)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(".parquet"))
                    .filter(file -> !file.startsWith(tableFolder.resolve("_delta_log")))
                    .map(file -> tableFolder.relativize(file).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    private LocalBlobStore store() {
        return new LocalBlobStore(lake);
    }

    private DeltaLog log(String table) {
        CommitFileFormat format = new CommitFileFormat();
        return new DeltaLog(store(), "shop/" + table + "/", format,
                new DuckDbCheckpointReader(store(), folder.resolve("checkpoint-reads"), format));
    }
}
