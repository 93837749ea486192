package dev.pondhouse.server.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.engine.DuckDbInterrupts;
import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.delta.DeltaWriteException;
import dev.pondhouse.server.lake.delta.WriteResult;
import dev.pondhouse.server.pipeline.PipelineResult.Status;
import dev.pondhouse.server.pipeline.PipelineResult.StepFailure;
import dev.pondhouse.server.pipeline.PipelineResult.StepOutcome;
import dev.pondhouse.server.pipeline.PipelineResult.StepResult;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pipeline: its steps in order, each on a fresh connection of the {@link JobEngine} with its
 * own {@link StepCatalog}, each written as one commit by {@link StepWriter}.
 *
 * <p><b>Failure.</b> The first step that fails (bad SQL, bad data, a conflict that persists) ends the
 * run: the steps before it stay committed, its table is unchanged, the later steps do not run, and
 * the result names the step and the reason. A step that loses a race with a conflicting commit is
 * planned and written again, up to {@value #CONFLICT_ATTEMPTS} times.
 *
 * <p><b>Idempotency.</b> Every step's commit records the run number as its Delta application
 * transaction: running the same run number again skips the steps that committed
 * ({@link StepOutcome#ALREADY_APPLIED}) and runs the rest. A run number must therefore be new for
 * each run that should write again (a timestamp, a counter); an older run number than one already
 * recorded is treated as applied.
 *
 * <p><b>Cancellation</b> is cooperative: {@code cancelled} is checked before each step and, while a
 * step's query runs, every quarter second (the query is then interrupted). A commit that has started
 * completes.
 *
 * <p>Thread-safe: runs share nothing but the engine and the lake; the caller keeps two runs from
 * writing one table at once (the job runner's table locks), though even then the Delta conflict
 * rules keep the tables consistent.
 */
public final class PipelineRunner {
    static final int CONFLICT_ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(PipelineRunner.class);

    private final JobEngine engine;
    private final DeltaLake lake;
    private final Optional<SourceContainers> containers;
    private final StepWriter writer;
    private final Consumer<LakeTableName> committed;

    /**
     * @param engine the jobs' DuckDB instance
     * @param lake the lake the steps read and write
     * @param committed told after each commit (to refresh the served views); must not throw
     */
    public PipelineRunner(JobEngine engine, DeltaLake lake, Consumer<LakeTableName> committed) {
        this(engine, lake, Optional.empty(), committed);
    }

    /**
     * @param engine the jobs' DuckDB instance
     * @param lake the lake the steps read and write
     * @param containers the Azure containers that container sources read; empty without Azure configuration
     * @param committed told after each commit (to refresh the served views); must not throw
     */
    public PipelineRunner(JobEngine engine, DeltaLake lake, Optional<SourceContainers> containers,
            Consumer<LakeTableName> committed) {
        this.engine = requireNonNull(engine, "engine is null");
        this.lake = requireNonNull(lake, "lake is null");
        this.containers = requireNonNull(containers, "containers is null");
        this.writer = new StepWriter(lake);
        this.committed = requireNonNull(committed, "committed is null");
    }

    /**
     * Runs {@code pipeline} as run {@code runNumber}.
     *
     * @param cancelled polled to stop early
     * @param progress told after each step
     * @return what each step did; never throws for a step's failure
     */
    public PipelineResult run(PipelineDefinition pipeline, long runNumber, BooleanSupplier cancelled, JobProgress progress) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(cancelled, "cancelled is null");
        requireNonNull(progress, "progress is null");
        long started = System.nanoTime();
        List<StepResult> results = new ArrayList<>();
        Optional<StepFailure> failure = Optional.empty();
        Status status = Status.SUCCEEDED;
        int total = pipeline.steps().size();
        for (PipelineStep step : pipeline.steps()) {
            if (status != Status.SUCCEEDED || cancelled.getAsBoolean()) {
                if (status == Status.SUCCEEDED) {
                    status = Status.CANCELLED;
                }
                results.add(new StepResult(step.name(), step.table(), StepOutcome.NOT_RUN, OptionalLong.empty(), 0, 0,
                        Duration.ZERO));
                continue;
            }
            progress.report((double) results.size() / total, "step " + step.name() + ": writing " + step.table());
            long stepStarted = System.nanoTime();
            try {
                WriteResult written = runStep(pipeline, step, runNumber, cancelled);
                Duration took = Duration.ofNanos(System.nanoTime() - stepStarted);
                StepOutcome outcome = written.committed() ? StepOutcome.COMMITTED : StepOutcome.ALREADY_APPLIED;
                results.add(new StepResult(step.name(), step.table(), outcome, OptionalLong.of(written.version()),
                        written.rowsAdded(), written.filesAdded(), took));
                if (written.committed()) {
                    committed.accept(step.table());
                }
                log.info("pipeline {} run {}: step {} {} {} version {} ({} rows) in {} ms", pipeline.name(), runNumber,
                        step.name(), outcome == StepOutcome.COMMITTED ? "committed" : "was already applied to", step.table(),
                        written.version(), written.rowsAdded(), took.toMillis());
            } catch (Exception e) {
                Duration took = Duration.ofNanos(System.nanoTime() - stepStarted);
                results.add(new StepResult(step.name(), step.table(), StepOutcome.FAILED, OptionalLong.empty(), 0, 0, took));
                boolean stopped = cancelled.getAsBoolean();
                status = stopped ? Status.CANCELLED : Status.FAILED;
                StepFailure failed = new StepFailure(step.name(), stopped ? ErrorKind.CANCELLED : kind(e),
                        stopped ? "cancelled while writing " + step.table() + "; it is unchanged" : reason(step, e));
                failure = Optional.of(failed);
                if (failed.kind() == ErrorKind.INTERNAL) {
                    log.error("pipeline {} run {}: step {} failed", pipeline.name(), runNumber, step.name(), e);
                } else {
                    log.warn("pipeline {} run {}: step {} failed: {}", pipeline.name(), runNumber, step.name(),
                            failed.reason());
                }
            }
        }
        progress.report(1, "pipeline " + pipeline.name() + " " + status.name().toLowerCase(java.util.Locale.ROOT));
        return new PipelineResult(pipeline.name(), runNumber, status, results, failure,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private WriteResult runStep(PipelineDefinition pipeline, PipelineStep step, long runNumber, BooleanSupplier cancelled)
            throws SQLException, IOException {
        for (int attempt = 1; ; attempt++) {
            try (DuckDBConnection connection = engine.openConnection();
                    CancellationWatch watch = CancellationWatch.start(connection, cancelled);
                    StepCatalog catalog = StepCatalog.open(connection, pipeline, step, lake, containers)) {
                return writer.write(connection, pipeline.name(), step, runNumber, catalog.lakeReads());
            } catch (DeltaWriteException e) {
                if (e.reason() != DeltaWriteException.Reason.CONFLICT || attempt >= CONFLICT_ATTEMPTS) {
                    throw e;
                }
                log.info("pipeline {} run {}: step {} lost a race with a conflicting commit ({}); planning it again",
                        pipeline.name(), runNumber, step.name(), e.getMessage());
            }
        }
    }

    private static ErrorKind kind(Exception e) {
        if (e instanceof PondhouseException known) {
            return known.kind();
        }
        if (e instanceof SQLException) {
            return ErrorKind.USER_ERROR;
        }
        return ErrorKind.INTERNAL;
    }

    private static String reason(PipelineStep step, Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "step " + step.name() + " (" + step.table() + "): " + message;
    }

    /** Interrupts the connection's running statement once {@code cancelled} says so. */
    private static final class CancellationWatch implements AutoCloseable {
        private final ScheduledExecutorService timer;

        private CancellationWatch(ScheduledExecutorService timer) {
            this.timer = timer;
        }

        static CancellationWatch start(DuckDBConnection connection, BooleanSupplier cancelled) {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "pipeline-cancellation");
                thread.setDaemon(true);
                return thread;
            });
            timer.scheduleWithFixedDelay(() -> {
                if (cancelled.getAsBoolean()) {
                    try {
                        DuckDbInterrupts.interrupt(connection);
                    } catch (SQLException e) {
                        log.warn("cannot interrupt a cancelled pipeline step: {}", e.getMessage());
                    }
                }
            }, 250, 250, TimeUnit.MILLISECONDS);
            return new CancellationWatch(timer);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
