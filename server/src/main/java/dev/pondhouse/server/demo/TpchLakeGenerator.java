package dev.pondhouse.server.demo;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.demo.TpchGeneration.GeneratedTable;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.CommitResult;
import dev.pondhouse.server.lake.delta.DeltaTableCreator;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates the eight TPC-H tables into a local lake folder as Parquet files, for the demo.
 *
 * <p>Layout: {@code <lakeRoot>/tpch/<table>/part-<index>-<generation id>.parquet}, one or more files
 * per table (about one per {@code rowsPerFile} rows), plus the marker {@code
 * <lakeRoot>/tpch/_generated.json} (a {@link TpchGeneration}) naming the scale factor, the tables and
 * their files. Rows come from the {@code io.trino.tpch} generator, so the TPC-H queries shipped with
 * it give the answers shipped with them; {@code TpchPartWriter} describes the column types.
 *
 * <p>Atomicity: all tables are first written into a staging folder {@code <lakeRoot>/tpch/_staging-<id>}
 * and published only when all are complete (see {@code TpchLakeFolder}). A generation that fails or is
 * killed leaves either the previous complete generation or no marker, never a marker over partial
 * data; {@link #isPresent} trusts only the marker. While tables are being swapped in, a reader may
 * briefly miss a table.
 *
 * <p>Thread safety: an instance is safe to share; {@link #generate} runs one generation at a time per
 * instance. Two processes must not generate into the same lake at the same time. Internally, parts are
 * written in parallel by {@code threads} workers, each part with its own private in-memory DuckDB
 * database ({@code jdbc:duckdb:}), so no connection is shared between threads.
 */
public final class TpchLakeGenerator {
    public static final String SCHEMA_NAME = "tpch";
    public static final String MARKER_FILE_NAME = TpchLakeFolder.MARKER_FILE_NAME;
    public static final long DEFAULT_ROWS_PER_FILE = 1_500_000;
    /** Below this, the generator makes fewer than 10 suppliers and degenerate data. */
    public static final double MINIMUM_SCALE_FACTOR = 0.001;
    public static final double MAXIMUM_SCALE_FACTOR = 1000;

    private static final Logger log = LoggerFactory.getLogger(TpchLakeGenerator.class);

    private final Path schemaRoot;
    private final TpchLakeFolder folder;
    private final int threads;
    private final long rowsPerFile;

    /** A generator writing files of about {@link #DEFAULT_ROWS_PER_FILE} rows with {@code threads} workers. */
    public TpchLakeGenerator(Path lakeRoot, int threads) {
        this(lakeRoot, threads, DEFAULT_ROWS_PER_FILE);
    }

    /**
     * @param lakeRoot the lake folder; the tables go to its {@code tpch} subfolder
     * @param threads the number of parts generated at the same time, at least 1
     * @param rowsPerFile the approximate number of rows per Parquet file, at least 1
     */
    public TpchLakeGenerator(Path lakeRoot, int threads, long rowsPerFile) {
        requireNonNull(lakeRoot, "lakeRoot is null");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (rowsPerFile < 1) {
            throw new IllegalArgumentException("rowsPerFile must be at least 1, got " + rowsPerFile);
        }
        this.schemaRoot = lakeRoot.toAbsolutePath().normalize().resolve(SCHEMA_NAME);
        this.folder = new TpchLakeFolder(schemaRoot);
        this.threads = threads;
        this.rowsPerFile = rowsPerFile;
    }

    /**
     * Whether the lake holds a complete generation at exactly {@code scaleFactor}: the marker says
     * so, it names all eight tables, and all of their files exist.
     */
    public boolean isPresent(double scaleFactor) throws IOException {
        checkScaleFactor(scaleFactor);
        Optional<TpchGeneration> current = folder.readMarker();
        return current.isPresent() && isComplete(current.get(), scaleFactor);
    }

    /**
     * The generation the marker records, or empty if there is none. An unreadable marker is logged
     * and counts as none, so the next generation replaces it.
     */
    public Optional<TpchGeneration> currentGeneration() throws IOException {
        return folder.readMarker();
    }

    /** The current generation if it {@linkplain #isPresent is present} at {@code scaleFactor}, otherwise a new one. */
    public synchronized TpchGeneration ensureGenerated(double scaleFactor, GenerationProgress progress)
            throws IOException, InterruptedException {
        checkScaleFactor(scaleFactor);
        Optional<TpchGeneration> current = folder.readMarker();
        if (current.isPresent() && isComplete(current.get(), scaleFactor)) {
            return current.get();
        }
        return generate(scaleFactor, progress);
    }

    /**
     * Generates all eight tables at {@code scaleFactor} and replaces whatever TPC-H tables the lake
     * held. On failure or interruption the lake keeps its previous content (see the class comment).
     *
     * @param scaleFactor between {@link #MINIMUM_SCALE_FACTOR} and {@link #MAXIMUM_SCALE_FACTOR}
     * @param progress receives progress per table; an exception it throws fails the generation
     * @throws IOException if a file cannot be written or DuckDB fails
     * @throws InterruptedException if the calling thread is interrupted; the workers are stopped first
     */
    public synchronized TpchGeneration generate(double scaleFactor, GenerationProgress progress) throws IOException, InterruptedException {
        checkScaleFactor(scaleFactor);
        requireNonNull(progress, "progress is null");
        long start = System.nanoTime();
        String generationId = UUID.randomUUID().toString();
        Path staging = folder.createStaging(generationId);
        Optional<Throwable> failure = Optional.empty();
        try {
            TpchGeneration generation = new TpchGeneration(scaleFactor, writeTables(scaleFactor, staging, generationId, progress));
            makeDeltaTables(generation, staging);
            folder.publish(generation, staging);
            log.info("Generated TPC-H scale factor {} into {} in {} ms",
                    scaleFactor, schemaRoot, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            return generation;
        } catch (Throwable e) {
            failure = Optional.of(e);
            throw e;
        } finally {
            folder.deleteStaging(staging, failure);
        }
    }

    private List<GeneratedTable> writeTables(double scaleFactor, Path staging, String generationId, GenerationProgress progress)
            throws IOException, InterruptedException {
        List<TablePlan> plans = TpchTable.getTables().stream().map(table -> plan(table, scaleFactor)).toList();
        ProgressTracker tracker = new ProgressTracker(progress);
        List<PartTask> tasks = new ArrayList<>();
        for (TablePlan plan : plans) {
            tracker.expect(plan.name(), plan.estimatedRows(), plan.partCount());
            Path tableFolder = Files.createDirectory(staging.resolve(plan.name()));
            for (int part = 1; part <= plan.partCount(); part++) {
                String fileName = String.format("part-%05d-%s.parquet", part - 1, generationId);
                Path spillFolder = staging.resolve("_spill").resolve(plan.name() + "-" + part);
                tasks.add(new PartTask(plan, part, tableFolder.resolve(fileName), spillFolder));
            }
        }
        // Largest parts first, so that the small tables fill the gaps at the end.
        tasks.sort(Comparator.comparingLong(PartTask::estimatedRows).reversed());
        // Each part has its own database; together they should not ask for more threads than there are processors.
        int databaseThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / threads);

        ExecutorService executor = Executors.newFixedThreadPool(threads, workerThreads());
        try {
            CompletionService<PartResult> completion = new ExecutorCompletionService<>(executor);
            for (PartTask task : tasks) {
                completion.submit(() -> writePart(task, scaleFactor, databaseThreads, tracker));
            }
            List<PartResult> results = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                Future<PartResult> finished = completion.take();
                try {
                    results.add(finished.get());
                } catch (ExecutionException e) {
                    throw rethrowable(e.getCause());
                }
            }
            return assemble(plans, results);
        } finally {
            stop(executor);
        }
    }

    private boolean isComplete(TpchGeneration generation, double scaleFactor) {
        return Double.compare(generation.scaleFactor(), scaleFactor) == 0
                && TpchTable.getTables().stream().allMatch(table -> generation.table(table.getTableName()).isPresent())
                && folder.holdsFilesOf(generation);
    }

    private static PartResult writePart(PartTask task, double scaleFactor, int databaseThreads, ProgressTracker tracker)
            throws IOException, InterruptedException {
        String table = task.plan().name();
        Properties properties = new Properties();
        properties.setProperty("threads", Integer.toString(databaseThreads));
        properties.setProperty("temp_directory", task.spillFolder().toString());
        try (DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties)) {
            long rows = new TpchPartWriter(connection).write(
                    task.plan().table(), scaleFactor, task.part(), task.plan().partCount(), task.file(),
                    written -> tracker.rowsWritten(table, written));
            tracker.partFinished(table);
            return new PartResult(table, task.part(), task.file().getFileName().toString(), rows);
        } catch (SQLException e) {
            throw new IOException("cannot write part %d of %d of TPC-H table %s: %s"
                    .formatted(task.part(), task.plan().partCount(), table, e.getMessage()), e);
        }
    }

    /** A worker's failure, to be thrown in the calling thread: checked I/O failures are wrapped to keep this thread's stack. */
    private static IOException rethrowable(Throwable cause) {
        if (cause instanceof RuntimeException runtimeException) {
            throw runtimeException;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IOException(cause.getMessage(), cause);
    }

    /** Commits version 0 of each staged table, so the lake publishes Delta tables. */
    private static void makeDeltaTables(TpchGeneration generation, Path staging) throws IOException {
        LocalBlobStore store = new LocalBlobStore(staging);
        DeltaTableCreator creator = new DeltaTableCreator(new CommitFileFormat(), Clock.systemUTC(),
                staging.resolve("_checkpoints"));
        for (GeneratedTable table : generation.tables()) {
            CommitResult result = creator.create(store, table.name() + "/", staging.resolve(table.name()), table.files());
            if (!result.committed()) {
                throw new IOException("staged TPC-H table " + table.name() + " already has a Delta log; not publishing it");
            }
        }
    }

    private static List<GeneratedTable> assemble(List<TablePlan> plans, List<PartResult> results) {
        List<GeneratedTable> tables = new ArrayList<>();
        for (TablePlan plan : plans) {
            List<PartResult> parts = results.stream()
                    .filter(result -> result.table().equals(plan.name()))
                    .sorted(Comparator.comparingInt(PartResult::part))
                    .toList();
            long rows = parts.stream().mapToLong(PartResult::rows).sum();
            tables.add(new GeneratedTable(plan.name(), rows, parts.stream().map(PartResult::fileName).toList()));
        }
        return tables;
    }

    private TablePlan plan(TpchTable<?> table, double scaleFactor) {
        String name = table.getTableName();
        long orders = (long) (1_500_000 * scaleFactor);
        long parts = (long) (200_000 * scaleFactor);
        // Rows the generator will produce, and the rows of the table whose keys drive the parts (a part cannot be split finer).
        long rows;
        long drivingRows;
        switch (name) {
            case "region" -> {
                rows = 5;
                drivingRows = 1;
            }
            case "nation" -> {
                rows = 25;
                drivingRows = 1;
            }
            case "supplier" -> rows = drivingRows = (long) (10_000 * scaleFactor);
            case "customer" -> rows = drivingRows = (long) (150_000 * scaleFactor);
            case "part" -> rows = drivingRows = parts;
            case "partsupp" -> {
                rows = 4 * parts;
                drivingRows = parts;
            }
            case "orders" -> rows = drivingRows = orders;
            case "lineitem" -> {
                // Between one and seven lines per order, four on average: only an estimate.
                rows = 4 * orders;
                drivingRows = orders;
            }
            default -> throw new IllegalStateException("unknown TPC-H table " + name);
        }
        long files = Math.max(1, Math.min(drivingRows, (rows + rowsPerFile - 1) / rowsPerFile));
        return new TablePlan(table, rows, Math.toIntExact(files));
    }

    /** Stops the workers and waits for them, so that none still writes when the staging folder is deleted. */
    private static void stop(ExecutorService executor) {
        executor.shutdownNow();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (executor.awaitTermination(10, TimeUnit.SECONDS)) {
                        return;
                    }
                    log.info("Waiting for TPC-H generator workers to stop");
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ThreadFactory workerThreads() {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "tpch-generator-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void checkScaleFactor(double scaleFactor) {
        if (!(scaleFactor >= MINIMUM_SCALE_FACTOR && scaleFactor <= MAXIMUM_SCALE_FACTOR)) {
            throw new IllegalArgumentException("scaleFactor must be between %s and %s, got %s"
                    .formatted(MINIMUM_SCALE_FACTOR, MAXIMUM_SCALE_FACTOR, scaleFactor));
        }
    }

    /** How one table is generated: its expected rows and the number of parts (one file each). */
    private record TablePlan(TpchTable<?> table, long estimatedRows, int partCount) {
        String name() {
            return table.getTableName();
        }
    }

    private record PartTask(TablePlan plan, int part, Path file, Path spillFolder) {
        long estimatedRows() {
            return plan.estimatedRows() / plan.partCount();
        }
    }

    private record PartResult(String table, int part, String fileName, long rows) {}
}
