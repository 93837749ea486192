package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.config.QuerySection;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statements running on the server, within its limits: at most {@code query.max-concurrent}
 * run at once (others wait up to {@code query.queue-timeout}), and at most a role's
 * {@code max-concurrent-per-user} for one user. A watchdog interrupts each statement after its
 * {@code timeout} or when its client goes away, and drops a result nobody comes to read after
 * {@code query.unclaimed-result-timeout}. Hands each result to the one call that reads it, cancels
 * on request, and closes a finished query's Arrow memory once gRPC has sent its last batch.
 *
 * <p>Thread-safe. The running queries, the per-user counts and the allocators still draining are
 * concurrent collections; claiming a query, and closing one nobody claimed, synchronize on the
 * {@link RunningQuery}, so a result is read or dropped by exactly one thread. The watchdog runs on
 * its own thread ({@code pondhouse-query-watchdog}).
 */
public final class RunningQueries implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunningQueries.class);
    private static final Duration WATCHDOG_PERIOD = Duration.ofMillis(100);

    private final QuerySection limits;
    private final Semaphore queryPermits;
    private final Map<String, RunningQuery> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> runningPerUser = new ConcurrentHashMap<>();
    // Allocators of finished queries whose last batches gRPC may still be writing (zero-copy sends).
    private final Queue<BufferAllocator> draining = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pondhouse-query-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    public RunningQueries(QuerySection limits) {
        this.limits = requireNonNull(limits, "limits is null");
        this.queryPermits = new Semaphore(limits.maxConcurrent(), true);
    }

    public void start() {
        watchdog.scheduleWithFixedDelay(this::enforceLimits, WATCHDOG_PERIOD.toMillis(), WATCHDOG_PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Counts a statement of {@code user} against their role's limit and takes one of the server's
     * query slots, waiting up to {@code query.queue-timeout}; returns what gives both back.
     */
    Runnable reserve(String user, UserLimits userLimits) {
        Runnable userSlot = takeUserSlot(user, userLimits);
        try {
            acquirePermit();
        } catch (RuntimeException e) {
            userSlot.run();
            throw e;
        }
        return () -> {
            userSlot.run();
            queryPermits.release();
        };
    }

    /**
     * Puts an admitted query under the watchdog until it closes; closing it then takes it off and
     * retires its allocator.
     */
    void register(RunningQuery query, BufferAllocator queryAllocator) {
        query.onClose(() -> running.remove(query.id()));
        query.onClose(() -> retire(queryAllocator));
        running.put(query.id(), query);
    }

    /** Counts a statement of {@code user} against their role's limit; returns what gives the slot back. */
    private Runnable takeUserSlot(String user, UserLimits userLimits) {
        AtomicInteger count = runningPerUser.computeIfAbsent(user, key -> new AtomicInteger());
        int now = count.incrementAndGet();
        if (userLimits.maxConcurrentPerUser().isPresent() && now > userLimits.maxConcurrentPerUser().get()) {
            count.decrementAndGet();
            throw new PondhouseException(ErrorKind.RESOURCE_EXHAUSTED, "you are already running "
                    + userLimits.maxConcurrentPerUser().get() + " statement(s), the most your role allows ("
                    + userLimits.source() + ".max-concurrent-per-user); wait for one to finish");
        }
        return count::decrementAndGet;
    }

    private void acquirePermit() {
        try {
            if (!queryPermits.tryAcquire(limits.queueTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new PondhouseException(ErrorKind.RESOURCE_EXHAUSTED, "the server is busy: " + limits.maxConcurrent()
                        + " statements are running (query.max-concurrent) and none finished within "
                        + limits.queueTimeout().toSeconds() + " s; try again later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PondhouseException(ErrorKind.CANCELLED, "interrupted while waiting for a query slot");
        }
    }

    /** The result of an executed query, for the one call that reads it. */
    public RunningQuery claim(String queryId, String user) {
        RunningQuery query = running.get(queryId);
        if (query == null || !query.user().equals(user)) {
            throw PondhouseException.notFound("result " + queryId
                    + " is not available: it was already read, cancelled, or not read in time");
        }
        synchronized (query) {
            if (query.claimed()) {
                throw new PondhouseException(ErrorKind.CONFLICT, "result " + queryId + " is already being read");
            }
            query.markClaimed();
        }
        return query;
    }

    /** Cancels a query of this user; returns false when no such query is running. */
    public boolean cancel(String queryId, String user) {
        RunningQuery query = running.get(queryId);
        if (query == null || !query.user().equals(user)) {
            return false;
        }
        query.cancel(ErrorKind.CANCELLED);
        synchronized (query) {
            if (!query.claimed()) {
                query.markClaimed();
                query.close();
            }
        }
        return true;
    }

    /** Cancels every running statement of a session (before it closes). */
    public void cancelSession(QuerySession session) {
        for (RunningQuery query : List.copyOf(running.values())) {
            if (query.session() == session) {
                cancel(query.id(), query.user());
            }
        }
    }

    /** How many statements are running or hold a result not yet read to the end. */
    public int count() {
        return running.size();
    }

    /** Closes a finished query's allocator now, or once gRPC has released the batches it still sends. */
    private void retire(BufferAllocator queryAllocator) {
        if (queryAllocator.getAllocatedMemory() == 0) {
            queryAllocator.close();
        } else {
            draining.add(queryAllocator);
        }
    }

    private void closeDrained() {
        for (BufferAllocator queryAllocator : draining) {
            if (queryAllocator.getAllocatedMemory() == 0 && draining.remove(queryAllocator)) {
                queryAllocator.close();
            }
        }
    }

    private void enforceLimits() {
        closeDrained();
        for (RunningQuery query : running.values()) {
            try {
                query.checkLimits();
                if (!query.claimed() && query.unclaimedFor().compareTo(limits.unclaimedResultTimeout()) > 0) {
                    synchronized (query) {
                        if (!query.claimed()) {
                            query.markClaimed();
                            log.info("query {} of {}: result not read within {} s, dropped", query.id(), query.user(),
                                    limits.unclaimedResultTimeout().toSeconds());
                            query.close();
                        }
                    }
                }
            } catch (RuntimeException e) {
                log.error("query watchdog failed on query {}", query.id(), e);
            }
        }
    }

    /**
     * Stops the watchdog, interrupts every running statement and waits up to 10 s for their results
     * to close. Close {@link QueryService} first, so that no new execution starts meanwhile.
     */
    @Override
    public void close() {
        watchdog.shutdownNow();
        for (RunningQuery query : List.copyOf(running.values())) {
            query.cancel(ErrorKind.UNAVAILABLE);
        }
        // Results being streamed are closed by their streaming thread once the interrupt lands.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            for (RunningQuery query : List.copyOf(running.values())) {
                synchronized (query) {
                    if (!query.claimed()) {
                        query.markClaimed();
                        try {
                            query.close();
                        } catch (RuntimeException e) {
                            log.warn("closing query {} at shutdown failed", query.id(), e);
                        }
                    }
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!running.isEmpty()) {
            log.warn("{} result stream(s) still open at shutdown", running.size());
        }
        closeDrained();
        for (BufferAllocator queryAllocator : draining) {
            log.warn("{} still holds {} bytes at shutdown", queryAllocator.getName(), queryAllocator.getAllocatedMemory());
        }
    }
}
