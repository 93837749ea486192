package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.LakeTableName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits jobs on cron schedules. Each schedule's next run is computed from the current time when the
 * scheduler starts: runs missed while the server was stopped are not replayed, and after a long pause
 * (a suspended machine) a schedule fires once, not once per missed time. A run that the runner refuses
 * (its table is busy with another job, the table is gone) is skipped and logged; the schedule goes on.
 *
 * <p>Thread-safe. The next-run times are guarded by {@code this}; one daemon thread sleeps until the
 * earliest of them (at most a minute at a time, so clock changes are noticed) and fires what is due.
 */
public final class JobScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobScheduler.class);
    private static final Duration LONGEST_SLEEP = Duration.ofMinutes(1);
    /** Who scheduled jobs are requested by. */
    public static final String REQUESTED_BY = "scheduler";

    /**
     * One configured schedule.
     *
     * @param key where it is configured, for messages, e.g. {@code jobs.schedules[1]}
     * @param job the job's name
     * @param table the job's table, if it takes one
     * @param params the job's parameters
     * @param cron when it runs
     */
    public record ScheduledJob(String key, String job, Optional<LakeTableName> table, Map<String, Object> params,
            CronSchedule cron) {
        public ScheduledJob {
            requireNonNull(key, "key is null");
            requireNonNull(job, "job is null");
            requireNonNull(table, "table is null");
            params = Map.copyOf(params);
            requireNonNull(cron, "cron is null");
        }

        JobRequest request() {
            return new JobRequest(job, table, params, REQUESTED_BY);
        }
    }

    private final List<ScheduledJob> schedules;
    private final Function<JobRequest, JobStatus> submit;
    private final Clock clock;

    // Guarded by this: the next run of each schedule, by index; empty when the expression names no more times.
    private final List<Optional<Instant>> nextRuns = new ArrayList<>();
    private boolean closed;
    private Thread thread;

    /**
     * @param submit submits a job, as {@link JobRunner#submit} does
     */
    public JobScheduler(List<ScheduledJob> schedules, Function<JobRequest, JobStatus> submit, Clock clock) {
        this.schedules = List.copyOf(requireNonNull(schedules, "schedules is null"));
        this.submit = requireNonNull(submit, "submit is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Computes the next runs from now and starts the scheduling thread (none without schedules). */
    public synchronized void start() {
        computeNextRuns();
        if (schedules.isEmpty()) {
            return;
        }
        thread = new Thread(this::loop, "pondhouse-scheduler");
        thread.setDaemon(true);
        thread.start();
        for (int index = 0; index < schedules.size(); index++) {
            ScheduledJob schedule = schedules.get(index);
            log.info("schedule {}: job {}{} at '{}', next run {}", schedule.key(), schedule.job(),
                    schedule.table().map(table -> " on " + table).orElse(""), schedule.cron(),
                    nextRuns.get(index).map(Instant::toString).orElse("never"));
        }
    }

    /** Sets each schedule's next run to its first time after now. */
    synchronized void computeNextRuns() {
        if (!nextRuns.isEmpty()) {
            throw new IllegalStateException("scheduler already started");
        }
        Instant now = clock.instant();
        for (ScheduledJob schedule : schedules) {
            nextRuns.add(schedule.cron().next(now));
        }
    }

    /** The next run of each schedule, in configuration order. */
    public synchronized List<Optional<Instant>> nextRuns() {
        return List.copyOf(nextRuns);
    }

    /**
     * Submits every schedule whose next run has come, once each, and moves its next run past now.
     *
     * @return the jobs submitted
     */
    public synchronized List<JobStatus> runDue() {
        Instant now = clock.instant();
        List<JobStatus> submitted = new ArrayList<>();
        for (int index = 0; index < schedules.size() && !closed; index++) {
            Optional<Instant> next = nextRuns.get(index);
            if (next.isEmpty() || next.get().isAfter(now)) {
                continue;
            }
            ScheduledJob schedule = schedules.get(index);
            nextRuns.set(index, schedule.cron().next(now));
            try {
                submitted.add(submit.apply(schedule.request()));
            } catch (PondhouseException e) {
                if (e.kind() == ErrorKind.CONFLICT) {
                    log.info("schedule {}: run of {} skipped: {}", schedule.key(), next.get(), e.getMessage());
                } else {
                    log.warn("schedule {}: run of {} not started: {}", schedule.key(), next.get(), e.getMessage());
                }
            } catch (RuntimeException e) {
                log.error("schedule {}: run of {} not started", schedule.key(), next.get(), e);
            }
        }
        return submitted;
    }

    private void loop() {
        synchronized (this) {
            while (!closed) {
                runDue();
                Instant now = clock.instant();
                Duration sleep = nextRuns.stream().flatMap(Optional::stream).min(Instant::compareTo)
                        .map(next -> Duration.between(now, next))
                        .filter(until -> until.compareTo(LONGEST_SLEEP) < 0)
                        .orElse(LONGEST_SLEEP);
                try {
                    // At least a millisecond; a due run is fired by the next turn of the loop.
                    wait(Math.max(1, sleep.toMillis()));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        Thread running;
        synchronized (this) {
            closed = true;
            notifyAll();
            running = thread;
        }
        if (running != null) {
            running.join(10_000);
        }
    }
}
