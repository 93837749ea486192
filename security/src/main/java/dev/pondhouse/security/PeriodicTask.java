package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task run on its own daemon thread with a fixed delay between runs, until closed: how the file
 * watchers poll their files. The task must not throw (a scheduled task that throws is never run
 * again); the watchers catch and log everything.
 *
 * <p>Thread-safe. {@link #close()} stops the thread, interrupting a run in progress, and waits up to
 * ten seconds for it.
 */
public final class PeriodicTask implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final ScheduledExecutorService executor;

    private PeriodicTask(String name, ScheduledExecutorService executor) {
        this.name = name;
        this.executor = executor;
    }

    /**
     * Starts running {@code task} every {@code interval}, the first time one interval from now.
     *
     * @param name the thread's name, also used in log lines
     * @param interval the delay between the end of one run and the start of the next
     */
    public static PeriodicTask start(String name, Duration interval, Runnable task) {
        requireNonNull(name, "name is null");
        requireInterval(interval);
        requireNonNull(task, "task is null");
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(task, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return new PeriodicTask(name, executor);
    }

    /**
     * Checks a poll interval given to a watcher's constructor.
     *
     * @throws IllegalArgumentException if it is under one millisecond
     */
    public static Duration requireInterval(Duration interval) {
        requireNonNull(interval, "interval is null");
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("the poll interval must be at least 1 ms, was " + interval);
        }
        return interval;
    }

    /** Stops the task. Idempotent. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} did not stop within {} seconds", name, STOP_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
