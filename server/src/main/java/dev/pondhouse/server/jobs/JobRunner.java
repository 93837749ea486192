package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.pondhouse.server.audit.AuditEvent;
import dev.pondhouse.server.audit.AuditLog;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.metrics.ServerMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs on a bounded pool of worker threads, one job per table at a time, and remembers them.
 *
 * <p><b>One job per table.</b> {@link #submit} refuses (a CONFLICT, HTTP 409) a job on a table that a
 * queued or running job already writes, naming that job; it does not queue behind it. A job that writes
 * no single table is refused while another job of its type is queued or running. Refusing keeps the
 * queue short and predictable: a scheduled run that meets a busy table is skipped and logged, and a
 * person sees at once which job holds the table. Just before a job runs, the runner takes the
 * {@link TableLock} of each of its tables; when another server holds one, the job fails as a CONFLICT
 * without running.
 *
 * <p><b>History.</b> Finished jobs are kept in memory, the newest {@code historySize} of them, and
 * every state change is appended to {@code <historyFolder>/job-history.jsonl} (see
 * {@link JobHistory}), which {@link #start()} reads back, so the history survives restarts.
 *
 * <p><b>Shutdown.</b> {@link #shutdown()} refuses new jobs, cancels queued ones, asks running ones to
 * stop and waits up to {@code shutdownTimeout}; jobs still running then are interrupted and recorded as
 * FAILED. The returned report says which jobs were affected.
 *
 * <p>Thread-safe. The job table, reservations and history are guarded by {@code this}; history-file
 * appends happen under it too (small appends, so the lines of one job stay in order).
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};

    /**
     * @param workers jobs that run at once
     * @param historySize finished jobs remembered
     * @param historyFolder where the history file lives; empty keeps the history in memory only
     * @param shutdownTimeout how long running jobs get to stop at shutdown
     */
    public record Settings(int workers, int historySize, Optional<Path> historyFolder, Duration shutdownTimeout) {
        public Settings {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1: " + workers);
            }
            if (historySize < 1) {
                throw new IllegalArgumentException("historySize must be at least 1: " + historySize);
            }
            requireNonNull(historyFolder, "historyFolder is null");
            requireNonNull(shutdownTimeout, "shutdownTimeout is null");
            if (shutdownTimeout.isNegative()) {
                throw new IllegalArgumentException("shutdownTimeout is negative: " + shutdownTimeout);
            }
        }
    }

    /**
     * What a shutdown did to the jobs that were not finished.
     *
     * @param cancelledBeforeStart queued jobs, cancelled
     * @param stoppedInTime running jobs that reached a final state within the timeout
     * @param interrupted running jobs that did not, recorded as FAILED
     */
    public record ShutdownReport(List<JobStatus> cancelledBeforeStart, List<JobStatus> stoppedInTime,
            List<JobStatus> interrupted) {
        public ShutdownReport {
            cancelledBeforeStart = List.copyOf(cancelledBeforeStart);
            stoppedInTime = List.copyOf(stoppedInTime);
            interrupted = List.copyOf(interrupted);
        }

        public boolean empty() {
            return cancelledBeforeStart.isEmpty() && stoppedInTime.isEmpty() && interrupted.isEmpty();
        }
    }

    private final Settings settings;
    private final JobRegistry registry;
    private final TableDirectory tables;
    private final TableLock tableLock;
    private final ServerMetrics metrics;
    private final AuditLog audit;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().registerModule(new Jdk8Module());

    // All guarded by this.
    private final Map<String, Entry> active = new LinkedHashMap<>();
    private final Map<String, String> reservations = new HashMap<>();
    private final JobHistory history;
    private ExecutorService workers;
    private boolean accepting;
    private ShutdownReport shutdownReport;

    public JobRunner(Settings settings, JobRegistry registry, TableDirectory tables, TableLock tableLock,
            ServerMetrics metrics, AuditLog audit, Clock clock) {
        this.audit = requireNonNull(audit, "audit is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.tables = requireNonNull(tables, "tables is null");
        this.tableLock = requireNonNull(tableLock, "tableLock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.history = new JobHistory(settings.historySize(),
                settings.historyFolder().map(folder -> new JobHistoryFile(folder, json)));
    }

    /** The job kinds this runner knows. */
    public JobRegistry registry() {
        return registry;
    }

    /** Reads the history file back and starts the workers. */
    public synchronized void start() throws IOException {
        if (workers != null) {
            throw new IllegalStateException("job runner already started");
        }
        history.load(clock.instant());
        AtomicInteger count = new AtomicInteger();
        workers = Executors.newFixedThreadPool(settings.workers(), runnable -> {
            Thread thread = new Thread(runnable, "pondhouse-job-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        accepting = true;
    }

    /**
     * Checks the request, makes the job and queues it.
     *
     * @return the job's status, QUEUED
     * @throws PondhouseException user error or not found for a bad request (see
     *     {@link JobRegistry#create}); CONFLICT when one of its tables is busy with another job;
     *     UNAVAILABLE when the runner is not running
     */
    public JobStatus submit(JobRequest request) {
        Job job = registry.create(request, tables);
        List<String> keys = reservationKeys(job);
        String id = UUID.randomUUID().toString();
        synchronized (this) {
            requireAccepting();
            for (String key : keys) {
                String holder = reservations.get(key);
                if (holder != null) {
                    throw new PondhouseException(ErrorKind.CONFLICT, busy(key, active.get(holder).status));
                }
            }
            JobStatus queued = new JobStatus(id, job.type(), job.tables(), jsonValues(request.params()), request.requestedBy(),
                    JobState.QUEUED, clock.instant(), Optional.empty(), Optional.empty(), JobProgress.NONE, false, Map.of(),
                    Optional.empty());
            Entry entry = new Entry(job, keys, queued);
            keys.forEach(key -> reservations.put(key, id));
            active.put(id, entry);
            history.stateChanged(queued);
            workers.execute(() -> run(entry));
            log.info("job {} ({}{}) queued for {}", id, job.type(), tablesText(job.tables()), request.requestedBy());
            return queued;
        }
    }

    private void requireAccepting() {
        if (!accepting) {
            throw new PondhouseException(ErrorKind.UNAVAILABLE, workers == null
                    ? "the job runner is not started yet; try again shortly"
                    : "the server is shutting down; no new jobs are started");
        }
    }

    private static List<String> reservationKeys(Job job) {
        if (job.tables().isEmpty()) {
            return List.of("job:" + job.type());
        }
        return job.tables().stream().distinct().sorted().map(table -> "table:" + table).toList();
    }

    private static String busy(String key, JobStatus holder) {
        String what = holder.job() + ", " + holder.state().name().toLowerCase(java.util.Locale.ROOT);
        if (key.startsWith("table:")) {
            return "table " + key.substring("table:".length()) + " is busy: job " + holder.id() + " (" + what
                    + ") writes it; try again when that job has finished, or cancel it";
        }
        return "a " + holder.job() + " job is already " + holder.state().name().toLowerCase(java.util.Locale.ROOT)
                + " (job " + holder.id() + "); try again when it has finished";
    }

    private void run(Entry entry) {
        synchronized (this) {
            if (entry.status.state() != JobState.QUEUED) {
                return; // cancelled while it waited
            }
            update(entry, entry.status.with(JobState.RUNNING, Optional.of(clock.instant()), Optional.empty(),
                    entry.status.progress(), entry.status.cancelRequested(), Map.of(), Optional.empty()));
        }
        List<TableLock.Lease> leases = new ArrayList<>();
        JobState end;
        Map<String, Object> result = Map.of();
        Optional<JobError> error = Optional.empty();
        try {
            for (LakeTableName table : entry.job.tables().stream().distinct().sorted().toList()) {
                leases.add(tableLock.tryLock(table, entry.status.id()).orElseThrow(() -> new PondhouseException(
                        ErrorKind.CONFLICT, "table " + table + " is locked by a job on another server; try again later")));
            }
            entry.leases = List.copyOf(leases);
            entry.context.checkCancelled();
            Map<String, Object> returned = entry.job.run(entry.context);
            result = returned == null ? Map.of() : jsonValues(returned);
            end = JobState.SUCCEEDED;
        } catch (PondhouseException e) {
            if (e.kind() == ErrorKind.INTERNAL) {
                end = JobState.FAILED;
                error = Optional.of(internal(entry, e));
            } else {
                end = e.kind() == ErrorKind.CANCELLED ? JobState.CANCELLED : JobState.FAILED;
                error = Optional.of(JobError.of(e.kind(), e.getMessage()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = JobState.FAILED;
            error = Optional.of(JobError.of(ErrorKind.CANCELLED, "job " + entry.status.id() + " was interrupted"));
        } catch (Exception | LinkageError | AssertionError e) {
            end = JobState.FAILED;
            error = Optional.of(internal(entry, e));
        } finally {
            for (TableLock.Lease lease : leases) {
                lease.close();
            }
        }
        synchronized (this) {
            finish(entry, end, result, error);
        }
    }

    /**
     * {@code values} as they read back from JSON (the history file): numbers as Integer, Long or
     * Double, nested lists and maps. Fails on values JSON cannot hold.
     */
    private Map<String, Object> jsonValues(Map<String, Object> values) {
        try {
            return json.readValue(json.writeValueAsBytes(values), JSON_OBJECT);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON values: " + e.getMessage(), e);
        }
    }

    private static JobError internal(Entry entry, Throwable error) {
        String errorId = UUID.randomUUID().toString();
        log.error("job {} ({}) failed: internal error {}", entry.status.id(), entry.status.job(), errorId, error);
        return JobError.of(ErrorKind.INTERNAL, "internal error " + errorId + " (details are in the server log)");
    }

    /** Moves a job to a final state, unless it is in one already. Caller holds this. */
    private void finish(Entry entry, JobState end, Map<String, Object> result, Optional<JobError> error) {
        if (entry.status.state().finished()) {
            return;
        }
        Instant now = clock.instant();
        JobProgress progress = end == JobState.SUCCEEDED ? new JobProgress(1, entry.status.progress().message())
                : entry.status.progress();
        JobStatus finished = entry.status.with(end, entry.status.started(), Optional.of(now), progress,
                entry.status.cancelRequested(), result, error);
        update(entry, finished);
        active.remove(finished.id());
        entry.keys.forEach(key -> reservations.remove(key, finished.id()));
        Duration took = finished.started().map(started -> Duration.between(started, now)).orElse(Duration.ZERO);
        metrics.jobFinished(finished.job(), end.name(), took);
        audit.record(new AuditEvent(now, AuditEvent.Kind.JOB, finished.requestedBy(), Optional.empty(), Optional.empty(),
                finished.tables().stream().map(LakeTableName::toString).toList(), 0, 0, took, switch (end) {
                    case SUCCEEDED -> AuditEvent.Outcome.SUCCESS;
                    case CANCELLED -> AuditEvent.Outcome.CANCELLED;
                    default -> AuditEvent.Outcome.FAILURE;
                }, Optional.of(finished.job() + " " + finished.id() + error.map(value -> ": " + value.message()).orElse(""))));
        log.info("job {} ({}{}) {}{}", finished.id(), finished.job(), tablesText(finished.tables()), end,
                error.map(value -> ": " + value.message()).orElse(""));
        history.finished(finished, active.values().stream().map(activeEntry -> activeEntry.status).toList());
        notifyAll();
    }

    private void update(Entry entry, JobStatus status) {
        boolean stateChanged = entry.status.state() != status.state();
        entry.status = status;
        if (stateChanged) {
            history.stateChanged(status);
        }
    }

    private synchronized void reportProgress(Entry entry, double fraction, String message) {
        if (entry.status.state() == JobState.RUNNING) {
            entry.status = entry.status.with(JobState.RUNNING, entry.status.started(), Optional.empty(),
                    new JobProgress(fraction, message), entry.status.cancelRequested(), Map.of(), Optional.empty());
        }
    }

    /**
     * Cancels a job: a queued one at once, a running one by asking it to stop (it ends CANCELLED when it
     * does; {@link JobStatus#cancelRequested()} shows the request meanwhile).
     *
     * @param requestedBy who cancels, for the record
     * @return the job's status after the request
     * @throws PondhouseException not found for an unknown id, CONFLICT for a finished job
     */
    public JobStatus cancel(String id, String requestedBy) {
        requireNonNull(id, "id is null");
        Entry entry;
        String reason = "cancelled by " + requestedBy;
        synchronized (this) {
            entry = active.get(id);
            if (entry == null) {
                JobStatus finished = history.get(id).orElseThrow(() -> unknown(id));
                throw new PondhouseException(ErrorKind.CONFLICT, "job " + id + " has already finished ("
                        + finished.state() + "); there is nothing to cancel");
            }
            if (entry.status.state() == JobState.QUEUED) {
                entry.status = entry.status.with(JobState.QUEUED, Optional.empty(), Optional.empty(), entry.status.progress(),
                        true, Map.of(), Optional.empty());
                finish(entry, JobState.CANCELLED, Map.of(), Optional.of(JobError.of(ErrorKind.CANCELLED,
                        "job " + id + " " + reason + " before it started")));
                return entry.status;
            }
            entry.status = entry.status.with(entry.status.state(), entry.status.started(), Optional.empty(),
                    entry.status.progress(), true, Map.of(), Optional.empty());
        }
        entry.context.requestCancel(reason);
        synchronized (this) {
            return entry.status;
        }
    }

    private static PondhouseException unknown(String id) {
        return PondhouseException.notFound("no job with id " + id + " (jobs beyond the history size are forgotten)");
    }

    /** The job's current status. */
    public synchronized Optional<JobStatus> status(String id) {
        requireNonNull(id, "id is null");
        Entry entry = active.get(id);
        return entry != null ? Optional.of(entry.status) : history.get(id);
    }

    /** The current status or not found. */
    public JobStatus require(String id) {
        return status(id).orElseThrow(() -> unknown(id));
    }

    /** Active and remembered jobs, newest submission first, at most {@code limit}. */
    public synchronized List<JobStatus> list(int limit) {
        if (limit < 1) {
            throw PondhouseException.userError("limit must be at least 1: " + limit);
        }
        List<JobStatus> all = new ArrayList<>(history.all());
        active.values().forEach(entry -> all.add(entry.status));
        all.sort(Comparator.comparing(JobStatus::submitted).thenComparing(JobStatus::id).reversed());
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    /** How many jobs are in {@code state} now (meaningful for QUEUED and RUNNING). */
    public synchronized int count(JobState state) {
        return (int) active.values().stream().filter(entry -> entry.status.state() == state).count();
    }

    /**
     * Stops: no new jobs, queued ones cancelled, running ones asked to stop and given
     * {@code shutdownTimeout}, then interrupted. Idempotent; later calls return the first report.
     */
    public ShutdownReport shutdown() {
        List<Entry> running;
        List<JobStatus> cancelledBeforeStart = new ArrayList<>();
        synchronized (this) {
            if (shutdownReport != null) {
                return shutdownReport;
            }
            accepting = false;
            if (workers == null) {
                shutdownReport = new ShutdownReport(List.of(), List.of(), List.of());
                return shutdownReport;
            }
            for (Entry entry : List.copyOf(active.values())) {
                if (entry.status.state() == JobState.QUEUED) {
                    finish(entry, JobState.CANCELLED, Map.of(), Optional.of(JobError.of(ErrorKind.UNAVAILABLE,
                            "the server shut down before the job started; submit it again")));
                    cancelledBeforeStart.add(entry.status);
                }
            }
            running = List.copyOf(active.values());
        }
        running.forEach(entry -> entry.context.requestCancel("the server is shutting down"));
        workers.shutdown();
        try {
            workers.awaitTermination(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<JobStatus> stoppedInTime = new ArrayList<>();
        List<JobStatus> interrupted = new ArrayList<>();
        synchronized (this) {
            for (Entry entry : running) {
                if (entry.status.state().finished()) {
                    stoppedInTime.add(entry.status);
                } else {
                    finish(entry, JobState.FAILED, Map.of(), Optional.of(JobError.of(ErrorKind.UNAVAILABLE,
                            "interrupted: the server shut down and the job did not stop within jobs.shutdown-timeout ("
                                    + settings.shutdownTimeout().toMillis() + " ms); run it again")));
                    interrupted.add(entry.status);
                }
            }
            shutdownReport = new ShutdownReport(cancelledBeforeStart, stoppedInTime, interrupted);
        }
        workers.shutdownNow();
        return shutdownReport;
    }

    @Override
    public void close() {
        boolean first;
        synchronized (this) {
            first = shutdownReport == null;
        }
        ShutdownReport report = shutdown();
        if (first && !report.empty()) {
            log.warn("jobs at shutdown: {} cancelled before they started {}, {} stopped in time {}, {} interrupted {}",
                    report.cancelledBeforeStart().size(), ids(report.cancelledBeforeStart()),
                    report.stoppedInTime().size(), ids(report.stoppedInTime()),
                    report.interrupted().size(), ids(report.interrupted()));
        }
    }

    private static List<String> ids(List<JobStatus> jobs) {
        return jobs.stream().map(status -> status.id() + " (" + status.job() + tablesText(status.tables()) + ")").toList();
    }

    private static String tablesText(List<LakeTableName> tables) {
        return tables.isEmpty() ? "" : " on " + String.join(", ", tables.stream().map(LakeTableName::toString).toList());
    }

    /** A queued or running job. Fields other than the final ones are guarded by the runner. */
    private final class Entry {
        final Job job;
        final List<String> keys;
        final JobContext context;
        JobStatus status;
        volatile List<TableLock.Lease> leases = List.of();

        Entry(Job job, List<String> keys, JobStatus status) {
            this.job = job;
            this.keys = keys;
            this.status = status;
            this.context = new JobContext(status.id(), status.requestedBy(),
                    (fraction, message) -> reportProgress(this, fraction, message),
                    () -> leases.stream().allMatch(TableLock.Lease::held));
        }
    }
}
