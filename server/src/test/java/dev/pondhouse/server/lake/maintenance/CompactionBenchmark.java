package dev.pondhouse.server.lake.maintenance;

import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DeltaSchemas;
import dev.pondhouse.server.lake.delta.DeltaTableWriter;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import dev.pondhouse.server.lake.delta.TableData;
import dev.pondhouse.server.lake.delta.WriteRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The compaction benchmark (a program, not a test), on the local blob store:
 *
 * <ol>
 *   <li><b>Throughput</b>: a table of {@value #THROUGHPUT_FILES} files of 50,000 rows (about 2.7 MB
 *       each) in one partition is compacted with the default settings (two files of up to 128 MiB),
 *       against a plain DuckDB {@code COPY} of the same files into one file on the same connection,
 *       with the same options ({@code FORMAT parquet}, DuckDB's default row groups and compression,
 *       the connection's threads, {@code preserve_insertion_order} on: DuckDB's default, which the
 *       compaction sets itself). Before each pair the table is restored from a pristine copy and the
 *       copy flushed to disk (not timed), so neither side pays for the other's or the set-up's
 *       writes; both sides then read the same files, from the page cache. A warm-up pair, then
 *       {@value #RUNS} timed pairs whose order alternates (plain first, then compaction first);
 *       every pair is printed, with the medians and the spread of the per-pair ratios.
 *   <li><b>Many small appends</b>: 288 appends a day for 7 days ({@value #ROWS_PER_APPEND} rows each,
 *       one file per append, each its own commit), then compaction; the time of two queries over the
 *       table's files, read the way the server's views read them, before and after.
 * </ol>
 *
 * Run with {@code java -cp <server test classpath> dev.pondhouse.server.lake.maintenance.CompactionBenchmark [work folder]}
 * (see {@code server/MAINTENANCE.md} for the exact command).
 */
public final class CompactionBenchmark {
    private static final int THROUGHPUT_FILES = 60;
    private static final int RUNS = 8;
    private static final int DAYS = 7;
    private static final int APPENDS_PER_DAY = 288;
    private static final int ROWS_PER_APPEND = 50;
    private static final int QUERY_RUNS = 5;
    private static final String ROOT = "bench/events/";

    private CompactionBenchmark() {}

    public static void main(String[] arguments) throws Exception {
        Path work = arguments.length > 0 ? Path.of(arguments[0]) : Files.createTempDirectory("compaction-benchmark-");
        System.out.printf(Locale.ROOT, "work folder %s%n", work);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            System.out.printf(Locale.ROOT, "DuckDB %s, threads %s%n", scalar(duckdb, "SELECT version()"),
                    scalar(duckdb, "SELECT current_setting('threads')"));
            throughput(duckdb, work.resolve("throughput"));
            manySmallAppends(duckdb, work.resolve("appends"));
        }
    }

    private static void throughput(Connection duckdb, Path work) throws Exception {
        System.out.printf(Locale.ROOT, "%nThroughput (preserve_insertion_order %s, load average %.1f)%n",
                scalar(duckdb, "SELECT current_setting('preserve_insertion_order')"), loadAverage());
        Path pristine = work.resolve("pristine");
        Path staged = work.resolve("staged");
        Files.createDirectories(staged);
        List<TableData.StagedFile> files = new ArrayList<>();
        for (int file = 0; file < THROUGHPUT_FILES; file++) {
            Path path = staged.resolve(String.format(Locale.ROOT, "file-%03d.parquet", file));
            execute(duckdb, "COPY (SELECT (range + " + file * 50_000L + ")::BIGINT AS id,"
                    + " 'customer-' || (hash(range) % 100000) AS name, (random() * 1000)::DECIMAL(10,2) AS amount,"
                    + " TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL (range) SECOND AS ts, md5(range::VARCHAR) AS note"
                    + " FROM range(50000)) TO " + SqlIdentifiers.literal(path.toString()) + " (FORMAT parquet)");
            files.add(new TableData.StagedFile(path, Map.of()));
        }
        DeltaTableWriter writer = writer(pristine, work.resolve("writer"));
        writer.write(duckdb, WriteRequest.create(new TableData.StagedFiles(Optional.empty(), files), List.of()));
        List<Path> dataFiles = writer.log().latest().orElseThrow().activeFiles().stream()
                .sorted(CompactionPlanner.COMMIT_ORDER)
                .map(file -> pristine.resolve(ROOT + file.path()))
                .toList();
        long bytes = 0;
        for (Path file : dataFiles) {
            bytes += Files.size(file);
        }
        List<Double> plain = new ArrayList<>();
        List<Double> compaction = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        CompactionResult last = null;
        for (int run = 0; run <= RUNS; run++) {
            Path lake = work.resolve("lake-" + run);
            copyFolder(pristine, lake);
            String list = dataFiles.stream()
                    .map(file -> SqlIdentifiers.literal(lake.resolve(pristine.relativize(file)).toString()))
                    .collect(Collectors.joining(", ", "[", "]"));
            Path output = work.resolve("plain-" + run + ".parquet");
            String plainCopy = "COPY (SELECT * FROM read_parquet(" + list + ")) TO " + SqlIdentifiers.literal(output.toString())
                    + " (FORMAT parquet)";
            TableCompactor compactor = TableCompactor.local(new LocalBlobStore(lake), writer(lake, work.resolve("writer-" + run)),
                    work.resolve("compactor-" + run), CompactionSettings.DEFAULT);
            boolean plainFirst = run % 2 == 0;
            double plainSeconds = 0;
            if (plainFirst) {
                plainSeconds = timed(() -> execute(duckdb, plainCopy));
            }
            long start = System.nanoTime();
            last = compactor.compact(duckdb, () -> false, ProgressListener.NONE);
            double compactionSeconds = seconds(start);
            if (!plainFirst) {
                plainSeconds = timed(() -> execute(duckdb, plainCopy));
            }
            Files.delete(output);
            deleteFolder(lake);
            System.out.printf(Locale.ROOT, "  %-7s %s first: plain %.2f s, compaction %.2f s, ratio %.2fx (load %.1f)%n",
                    run == 0 ? "warm-up" : "pair " + run, plainFirst ? "plain" : "compaction", plainSeconds,
                    compactionSeconds, plainSeconds / compactionSeconds, loadAverage());
            if (run > 0) {
                plain.add(plainSeconds);
                compaction.add(compactionSeconds);
                ratios.add(plainSeconds / compactionSeconds);
            }
        }
        double plainMedian = median(plain);
        double compactionMedian = median(compaction);
        System.out.printf(Locale.ROOT, "%d files, %.1f MB in one partition -> %d files, %.1f MB%n",
                THROUGHPUT_FILES, bytes / 1e6, last.filesAdded(), last.bytesAfter() / 1e6);
        System.out.printf(Locale.ROOT, "  plain DuckDB COPY:  median %.2f s (%.1f MB/s)%n", plainMedian, bytes / 1e6 / plainMedian);
        System.out.printf(Locale.ROOT, "  compaction:         median %.2f s (%.1f MB/s)%n", compactionMedian,
                bytes / 1e6 / compactionMedian);
        System.out.printf(Locale.ROOT, "  compaction throughput / plain COPY throughput: %.2fx of the medians;"
                + " per pair median %.2fx, from %.2fx to %.2fx (target >= 0.80x)%n", plainMedian / compactionMedian,
                median(ratios), ratios.stream().min(Double::compare).orElseThrow(),
                ratios.stream().max(Double::compare).orElseThrow());
    }

    private interface Timed {
        void run() throws Exception;
    }

    private static double timed(Timed action) throws Exception {
        long start = System.nanoTime();
        action.run();
        return seconds(start);
    }

    /** The system load average over the last minute, as a note on how busy the machine was (negative if unknown). */
    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void manySmallAppends(Connection duckdb, Path work) throws Exception {
        Path lake = work.resolve("lake");
        Path staged = work.resolve("staged");
        Files.createDirectories(staged);
        DeltaTableWriter writer = writer(lake, work.resolve("writer"));
        List<DeltaSchemas.Column> columns = List.of(new DeltaSchemas.Column("id", "BIGINT"),
                new DeltaSchemas.Column("day", "DATE"), new DeltaSchemas.Column("ts", "TIMESTAMP WITH TIME ZONE"),
                new DeltaSchemas.Column("sensor", "VARCHAR"), new DeltaSchemas.Column("amount", "DECIMAL(10,2)"));
        long start = System.nanoTime();
        long id = 0;
        for (int day = 0; day < DAYS; day++) {
            LocalDate date = LocalDate.of(2024, 3, 1).plusDays(day);
            for (int append = 0; append < APPENDS_PER_DAY; append++) {
                Path file = staged.resolve("append.parquet");
                execute(duckdb, "COPY (SELECT (range + " + id + ")::BIGINT AS id, TIMESTAMPTZ '" + date + " 00:00:00+00'"
                        + " + INTERVAL (" + append * 300 + " + range) SECOND AS ts, 'sensor-' || (range % 17) AS sensor,"
                        + " ((range + " + id + ") % 1000 * 0.25)::DECIMAL(10,2) AS amount FROM range(" + ROWS_PER_APPEND + "))"
                        + " TO " + SqlIdentifiers.literal(file.toString()) + " (FORMAT parquet)");
                TableData data = new TableData.StagedFiles(Optional.of(columns),
                        List.of(new TableData.StagedFile(file, Map.of("day", Optional.of(date.toString())))));
                writer.write(duckdb, id == 0 ? WriteRequest.create(data, List.of("day")) : WriteRequest.append(data));
                id += ROWS_PER_APPEND;
            }
        }
        double appendSeconds = seconds(start);
        int filesBefore = writer.log().latest().orElseThrow().activeFiles().size();
        System.out.printf(Locale.ROOT, "%nMany small appends: %d appends (%d a day for %d days, %d rows each) in %.1f s;"
                + " %d files%n", DAYS * APPENDS_PER_DAY, APPENDS_PER_DAY, DAYS, ROWS_PER_APPEND, appendSeconds, filesBefore);

        String aggregate = "SELECT day, count(*), sum(amount), max(ts) FROM events GROUP BY day ORDER BY day";
        String lookup = "SELECT count(*), sum(amount) FROM events WHERE sensor = 'sensor-3' AND id BETWEEN 30000 AND 30999";
        double[] before = {queryTime(duckdb, writer, lake, aggregate), queryTime(duckdb, writer, lake, lookup)};

        TableCompactor compactor = TableCompactor.local(new LocalBlobStore(lake), writer, work.resolve("compactor"),
                CompactionSettings.DEFAULT);
        start = System.nanoTime();
        CompactionResult result = compactor.compact(duckdb, () -> false, ProgressListener.NONE);
        double compactionSeconds = seconds(start);
        double[] after = {queryTime(duckdb, writer, lake, aggregate), queryTime(duckdb, writer, lake, lookup)};
        System.out.printf(Locale.ROOT, "  compaction: %.1f s, %d files (%.2f MB) -> %d files (%.2f MB), version %s%n",
                compactionSeconds, result.filesRemoved(), result.bytesBefore() / 1e6, result.filesAdded(),
                result.bytesAfter() / 1e6, result.committedVersions());
        System.out.printf(Locale.ROOT, "  aggregate by day:  before %.1f ms, after %.1f ms (%.1fx faster)%n",
                before[0], after[0], before[0] / after[0]);
        System.out.printf(Locale.ROOT, "  filtered lookup:   before %.1f ms, after %.1f ms (%.1fx faster)%n",
                before[1], after[1], before[1] / after[1]);
    }

    /** The median time of {@code sql} over a view of the table's current files, as the server's views read them. */
    private static double queryTime(Connection duckdb, DeltaTableWriter writer, Path lake, String sql) throws SQLException {
        List<AddFile> files = writer.log().latest().orElseThrow().activeFiles();
        String list = files.stream().map(file -> SqlIdentifiers.literal(lake.resolve(ROOT + file.path()).toString()))
                .collect(Collectors.joining(", ", "[", "]"));
        execute(duckdb, "CREATE OR REPLACE VIEW events AS SELECT * FROM read_parquet(" + list + ", hive_partitioning = true)");
        List<Double> times = new ArrayList<>();
        for (int run = 0; run <= QUERY_RUNS; run++) {
            long start = System.nanoTime();
            try (Statement statement = duckdb.createStatement(); ResultSet result = statement.executeQuery(sql)) {
                while (result.next()) {
                    result.getObject(1);
                }
            }
            if (run > 0) {
                times.add(seconds(start) * 1000);
            }
        }
        return median(times);
    }

    private static DeltaTableWriter writer(Path lake, Path work) {
        LocalBlobStore store = new LocalBlobStore(lake);
        CommitFileFormat format = new CommitFileFormat();
        return new DeltaTableWriter(store, ROOT, format, new DuckDbCheckpointReader(store, work.resolve("checkpoints"), format),
                work, Clock.systemUTC(), DeltaWriterSettings.DEFAULT);
    }

    private static void execute(Connection duckdb, String sql) throws SQLException {
        try (Statement statement = duckdb.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String scalar(Connection duckdb, String sql) throws SQLException {
        try (Statement statement = duckdb.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** Copies the folder and flushes every copied file to disk, so no write-back of the copy overlaps what is timed next. */
    private static void copyFolder(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy);
                    try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                        channel.force(true);
                    }
                }
            }
        }
    }

    private static void deleteFolder(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
