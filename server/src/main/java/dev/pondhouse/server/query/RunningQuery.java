package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import dev.pondhouse.server.engine.DuckDbInterrupts;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A query that is executing or has been executed and whose result waits to be read (or is being
 * read). Holds the session's connection, one slot of the server's query limit, the DuckDB statement
 * and result, and the Arrow reader over DuckDB's C stream, all released exactly once by
 * {@link #close()}.
 *
 * <p>Thread-safety: created on the thread that submits; executed (up to its first batch) on an
 * execution thread ({@link #startExecution}); read on the thread that streams once the execution is
 * over ({@link #awaitExecution}, which orders the two); cancelled from any thread. Cancellation only
 * interrupts DuckDB; resources are freed by close, which first waits for a running execution to stop.
 */
public final class RunningQuery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunningQuery.class);

    private final String id;
    private final String user;
    private final String sql;
    private final QuerySession session;
    private final DuckDBConnection connection;
    private final DuckDBPreparedStatement statement;
    // Held while interrupting and while marking the query closed, so an interrupt never reaches
    // the next statement of the session's connection.
    private final Object interruptLock = new Object();
    private final boolean ownsStatement;
    // SQL to run on an unprepared statement; empty when the statement is prepared.
    private final Optional<String> textToRun;
    private final List<List<Object>> parameters;
    private final BufferAllocator allocator;
    private final UserLimits limits;
    private final long deadlineNanos;
    private final List<Runnable> releases = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile BooleanSupplier clientGone = () -> false;
    private volatile ErrorKind stopReason;
    private volatile boolean claimed;
    private volatile long unclaimedSinceNanos = System.nanoTime();
    private final long startedNanos = System.nanoTime();
    private final AtomicLong rowsSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private volatile PondhouseException failure;

    // The schema announced to the client: set once before the query is handed out.
    private Schema schema;
    // Set by the thread that executes, before the execution completes; read by the thread that
    // streams after it awaited the execution (the future's completion orders the two).
    private ResultSet resultSet;
    private ArrowReader reader;
    private FirstBatch firstBatch = FirstBatch.NOT_LOADED;
    // Set once when execution starts; completes when the statement ran up to its first batch.
    private volatile CompletableFuture<Void> execution;

    /** Whether the execution already loaded the result's first batch into the reader's root. */
    public enum FirstBatch {
        /** Nothing loaded yet: the reader's next {@code loadNextBatch()} loads the first batch. */
        NOT_LOADED,
        /** The reader's root holds the first batch, not yet sent. */
        LOADED,
        /** The result has no rows: the reader is at its end. */
        END
    }

    RunningQuery(String id, String user, String sql, QuerySession session, DuckDBConnection connection,
            DuckDBPreparedStatement statement, Optional<String> textToRun, boolean ownsStatement, BufferAllocator allocator,
            UserLimits limits, List<List<Object>> parameters) {
        this.parameters = List.copyOf(parameters);
        this.textToRun = requireNonNull(textToRun, "textToRun is null");
        this.id = requireNonNull(id, "id is null");
        this.user = requireNonNull(user, "user is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.session = requireNonNull(session, "session is null");
        this.connection = requireNonNull(connection, "connection is null");
        this.statement = requireNonNull(statement, "statement is null");
        this.ownsStatement = ownsStatement;
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.limits = requireNonNull(limits, "limits is null");
        Duration timeout = limits.timeout();
        this.deadlineNanos = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    }

    public String id() {
        return id;
    }

    public String user() {
        return user;
    }

    public String sql() {
        return sql;
    }

    /** The limits it runs under. */
    UserLimits limits() {
        return limits;
    }

    QuerySession session() {
        return session;
    }

    /** The parameter rows bound when the query was submitted. */
    List<List<Object>> parameters() {
        return parameters;
    }

    DuckDBPreparedStatement statement() {
        return statement;
    }

    /**
     * Executes {@link #statement()} with the parameters bound to it (its text, when it is an
     * unprepared statement); true when it returned rows.
     */
    boolean execute() throws SQLException {
        return textToRun.isPresent() ? statement.execute(textToRun.get()) : statement.execute();
    }

    public BufferAllocator allocator() {
        return allocator;
    }

    /** Counts a batch sent to the client, for the audit record. */
    public void sent(long rows, long bytes) {
        rowsSent.addAndGet(rows);
        bytesSent.addAndGet(bytes);
    }

    long rowsSent() {
        return rowsSent.get();
    }

    long bytesSent() {
        return bytesSent.get();
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Records why the query failed, as the client was told; the first failure wins. */
    void failed(PondhouseException error) {
        if (failure == null) {
            failure = error;
        }
    }

    /** Why it failed, as the client was told. */
    Optional<PondhouseException> failure() {
        return Optional.ofNullable(failure);
    }

    void onClose(Runnable release) {
        releases.add(requireNonNull(release, "release is null"));
    }

    void announce(Schema schema) {
        this.schema = requireNonNull(schema, "schema is null");
    }

    void result(ResultSet resultSet, ArrowReader reader) {
        this.resultSet = resultSet;
        this.reader = reader;
    }

    void firstBatch(FirstBatch state) {
        this.firstBatch = requireNonNull(state, "state is null");
    }

    /** What the execution left in the reader (see {@link FirstBatch}); valid after {@link #awaitExecution}. */
    public FirstBatch firstBatch() {
        return firstBatch;
    }

    /**
     * Runs {@code work} (executing the statement) on {@code executor}, so that it proceeds while the
     * client's request for the result is on its way. Called once, by the thread that submitted.
     */
    void startExecution(Executor executor, Runnable work) {
        if (execution != null) {
            throw new IllegalStateException("query " + id + " is already executing");
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        execution = started;
        Runnable task = () -> {
            try {
                if (stopReason != null || closed.get()) {
                    throw new PondhouseException(stopReason == null ? ErrorKind.CANCELLED : stopReason,
                            "query " + id + " was stopped before it ran");
                }
                work.run();
                started.complete(null);
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        };
        try {
            executor.execute(task);
        } catch (RuntimeException rejected) {
            // The server is shutting down: the execution never starts, and close() must not wait for it.
            started.completeExceptionally(rejected);
            throw new PondhouseException(ErrorKind.UNAVAILABLE, "the server is shutting down", rejected);
        }
    }

    /**
     * Waits until the execution started by {@link #startExecution} is over; rethrows its failure.
     * Returns at once when the query was never started that way.
     */
    void awaitExecution() throws InterruptedException {
        CompletableFuture<Void> pending = execution;
        if (pending == null) {
            return;
        }
        try {
            pending.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("query " + id + " failed while executing", cause);
        }
    }

    /**
     * Stops an execution still in progress and waits for it, so that closing never frees the
     * statement or the reader under the thread that uses them. Interrupts again every 100 ms in case
     * the first interrupt reached DuckDB before the statement started.
     */
    private void stopExecution() {
        CompletableFuture<Void> pending = execution;
        if (pending == null || pending.isDone()) {
            return;
        }
        boolean interrupted = false;
        while (!pending.isDone()) {
            synchronized (interruptLock) {
                if (stopReason == null) {
                    stopReason = ErrorKind.CANCELLED;
                }
                try {
                    DuckDbInterrupts.interrupt(connection);
                } catch (SQLException e) {
                    log.warn("interrupting query {} failed: {}", id, e.getMessage());
                }
            }
            try {
                pending.get(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | TimeoutException e) {
                // Failed (as expected after the interrupt) or still running: look again.
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The schema announced for the result, with Flight SQL column metadata; zero fields for a
     * statement that returns no rows. The batches carry DuckDB's own schema of the same types.
     */
    public Schema schema() {
        return schema;
    }

    /** The reader over the result once executed, or empty for a statement that returns no rows. */
    public Optional<ArrowReader> reader() {
        return Optional.ofNullable(reader);
    }

    /** Called by the streaming side: from now on, {@code gone} tells whether the client went away. */
    public void streamingTo(BooleanSupplier gone) {
        this.clientGone = requireNonNull(gone, "gone is null");
        this.claimed = true;
    }

    void watchClient(BooleanSupplier gone) {
        this.clientGone = requireNonNull(gone, "gone is null");
    }

    boolean claimed() {
        return claimed;
    }

    void markClaimed() {
        claimed = true;
    }

    Duration unclaimedFor() {
        return Duration.ofNanos(System.nanoTime() - unclaimedSinceNanos);
    }

    /** Checked by the server's watchdog: interrupts DuckDB when the deadline passed or the client left. */
    void checkLimits() {
        if (stopReason != null || closed.get()) {
            return;
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            cancel(ErrorKind.TIMED_OUT);
        } else if (clientGone.getAsBoolean()) {
            cancel(ErrorKind.CANCELLED);
        }
    }

    /** Interrupts DuckDB; the statement then fails or the stream ends, and the owner closes. */
    public void cancel(ErrorKind reason) {
        synchronized (interruptLock) {
            if (closed.get()) {
                return;
            }
            if (stopReason == null) {
                stopReason = reason;
            }
            try {
                DuckDbInterrupts.interrupt(connection);
            } catch (SQLException e) {
                log.warn("interrupting query {} failed: {}", id, e.getMessage());
            }
        }
    }

    /** Why the query was stopped, if the server or the client stopped it. */
    public Optional<ErrorKind> stopReason() {
        return Optional.ofNullable(stopReason);
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        stopExecution();
        synchronized (interruptLock) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
        }
        RuntimeException failure = null;
        try {
            if (reader != null) {
                reader.close();
            }
        } catch (Exception e) {
            failure = chain(failure, new IllegalStateException("closing result reader of query " + id, e));
        }
        try {
            if (resultSet != null) {
                resultSet.close();
            }
            if (ownsStatement) {
                statement.close();
            }
        } catch (SQLException e) {
            failure = chain(failure, new IllegalStateException("closing statement of query " + id, e));
        }
        // Releases the session, the query slot and (once gRPC has written its last batch) the memory.
        for (Runnable release : releases) {
            try {
                release.run();
            } catch (RuntimeException e) {
                failure = chain(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException chain(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
