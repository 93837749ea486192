package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running job sees of the runner: its id, who asked for it, a place to report progress, and
 * cooperative cancellation. A job calls {@link #checkCancelled()} at points where stopping is safe
 * (between files, between steps, never inside a commit) and may register {@link #onCancel} hooks that
 * interrupt long blocking work, such as a DuckDB statement.
 *
 * <p>Thread-safe: the runner cancels from other threads while the job reports from its own.
 */
public final class JobContext {
    private static final Logger log = LoggerFactory.getLogger(JobContext.class);

    private final String jobId;
    private final String requestedBy;
    private final ProgressListener listener;
    private final BooleanSupplier locksHeld;

    // Guarded by this.
    private String cancelReason;
    private final List<Runnable> cancelHooks = new ArrayList<>();

    /**
     * @param jobId the job's id
     * @param requestedBy the user, or {@code scheduler}, that asked for the job
     * @param listener receives each progress report
     * @param locksHeld false once a table lock the job runs under was lost (a lease that could not be
     *     renewed); the job is then stopped as if cancelled
     */
    public JobContext(String jobId, String requestedBy, ProgressListener listener, BooleanSupplier locksHeld) {
        this.jobId = requireNonNull(jobId, "jobId is null");
        this.requestedBy = requireNonNull(requestedBy, "requestedBy is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.locksHeld = requireNonNull(locksHeld, "locksHeld is null");
    }

    /** A context for running a job outside a runner, e.g. in a job's own tests: no locks, progress ignored. */
    public static JobContext standalone(String jobId) {
        return new JobContext(jobId, "test", (fraction, message) -> {}, () -> true);
    }

    public String jobId() {
        return jobId;
    }

    public String requestedBy() {
        return requestedBy;
    }

    /**
     * Reports how far the job is.
     *
     * @param fraction between 0 and 1 (clamped); a job that cannot tell reports 0 until it ends
     * @param message what it is doing, for people ("compacting partition day=2024-05-01, 3 of 12")
     */
    public void progress(double fraction, String message) {
        if (Double.isNaN(fraction)) {
            throw new IllegalArgumentException("progress fraction is NaN");
        }
        listener.progress(Math.max(0, Math.min(1, fraction)), requireNonNull(message, "message is null"));
    }

    /** Whether the job was asked to stop. */
    public boolean cancelRequested() {
        return cancelReason().isPresent();
    }

    /** Why the job was asked to stop, if it was. */
    public synchronized Optional<String> cancelReason() {
        if (cancelReason == null && !locksHeld.getAsBoolean()) {
            return Optional.of("the table lock was lost (another server may have taken it)");
        }
        return Optional.ofNullable(cancelReason);
    }

    /**
     * Returns if the job may go on; throws if it was asked to stop.
     *
     * @throws JobCancelledException naming the reason
     */
    public void checkCancelled() {
        Optional<String> reason = cancelReason();
        if (reason.isPresent()) {
            throw new JobCancelledException("job " + jobId + " stopped: " + reason.get());
        }
    }

    /**
     * Runs {@code hook} when the job is asked to stop (at once, if it already was). Hooks run on the
     * thread that cancels; they must be quick and must not throw.
     */
    public void onCancel(Runnable hook) {
        requireNonNull(hook, "hook is null");
        boolean now;
        synchronized (this) {
            now = cancelReason != null;
            if (!now) {
                cancelHooks.add(hook);
            }
        }
        if (now) {
            runHook(hook);
        }
    }

    /** Asks the job to stop; the first reason given is kept. Returns false if it was already asked. */
    public boolean requestCancel(String reason) {
        List<Runnable> hooks;
        synchronized (this) {
            if (cancelReason != null) {
                return false;
            }
            cancelReason = requireNonNull(reason, "reason is null");
            hooks = List.copyOf(cancelHooks);
            cancelHooks.clear();
        }
        hooks.forEach(JobContext::runHook);
        return true;
    }

    private static void runHook(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            log.warn("a job's cancel hook failed: {}", e.getMessage(), e);
        }
    }

    /** Receives a job's progress reports. */
    @FunctionalInterface
    public interface ProgressListener {
        void progress(double fraction, String message);
    }
}
