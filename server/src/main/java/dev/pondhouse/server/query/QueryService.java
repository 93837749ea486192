package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.audit.AuditEvent;
import dev.pondhouse.server.audit.AuditLog;
import dev.pondhouse.server.config.QuerySection;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.metrics.ServerMetrics;
import dev.pondhouse.server.query.metadata.ColumnDescription;
import dev.pondhouse.server.query.metadata.DuckDbArrowTypes;
import dev.pondhouse.server.query.metadata.TableVisibility;
import java.security.SecureRandom;
import java.sql.ParameterMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.DuckDBResultSet;
import org.duckdb.DuckDBResultSetMetaData;
import org.duckdb.StatementReturnType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares and runs statements on session connections, within the server's limits: at most
 * {@code query.max-concurrent} statements run at once (others wait up to
 * {@code query.queue-timeout}), each result's Arrow memory is capped at
 * {@code query.memory-per-query}, each statement is interrupted after {@code query.timeout} or
 * when its client goes away, and a result nobody comes to read is dropped after
 * {@code query.unclaimed-result-timeout}.
 *
 * <p>Thread-safe. Results are exported from DuckDB through Arrow's C stream interface in batches of
 * {@code query.batch-rows} rows and are never materialized as a whole.
 */
public final class QueryService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueryService.class);
    private static final Duration WATCHDOG_PERIOD = Duration.ofMillis(100);

    private final QuerySection limits;
    private final BufferAllocator allocator;
    private final DuckDbArrowTypes types;
    private final StatementAuthorizer authorizer;
    private final AuditLog audit;
    private final ServerMetrics metrics;
    private final Clock clock;
    private final Semaphore queryPermits;
    private final Map<String, RunningQuery> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> runningPerUser = new ConcurrentHashMap<>();
    // Allocators of finished queries whose last batches gRPC may still be writing (zero-copy sends).
    private final Queue<BufferAllocator> draining = new ConcurrentLinkedQueue<>();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pondhouse-query-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    // Executes submitted queries up to their first batch while the client asks for the result. At
    // most query.max-concurrent of them run at once (each holds a query permit), so the pool is
    // bounded by the permits; idle threads end after a minute.
    private final AtomicInteger executionThreads = new AtomicInteger();
    private final ExecutorService executions = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "pondhouse-query-execution-" + executionThreads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    public QueryService(QuerySection limits, BufferAllocator allocator, DuckDbArrowTypes types,
            StatementAuthorizer authorizer, AuditLog audit, ServerMetrics metrics, Clock clock) {
        this.limits = requireNonNull(limits, "limits is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.types = requireNonNull(types, "types is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.queryPermits = new Semaphore(limits.maxConcurrent(), true);
    }

    public void start() {
        watchdog.scheduleWithFixedDelay(this::enforceLimits, WATCHDOG_PERIOD.toMillis(), WATCHDOG_PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Prepares {@code sql} on the session's connection; the handle stays valid until closed. */
    public PreparedQuery prepare(QuerySession session, String sql, Optional<String> transactionId) {
        requireSql(sql);
        SessionControl.checkTransaction(session, transactionId);
        DuckDBConnection connection = session.acquire(limits.queueTimeout(), "preparing a statement");
        DuckDBPreparedStatement statement = null;
        try {
            StatementAuthorizer.Authorized authorized = authorizer.authorize(session, connection, sql);
            statement = connection.prepareStatement(authorized.sql()).unwrap(DuckDBPreparedStatement.class);
            DuckDBResultSetMetaData metadata = statement.getMetaData().unwrap(DuckDBResultSetMetaData.class);
            StatementReturnType returnType = metadata.getReturnType();
            Schema dataset = returnType == StatementReturnType.QUERY_RESULT ? datasetSchema(metadata) : new Schema(List.of());
            PreparedQuery query = new PreparedQuery(newId(), sql, authorized, statement, returnType, dataset,
                    parameterSchema(statement.getParameterMetaData()));
            session.addPrepared(query);
            return query;
        } catch (SQLException e) {
            closeQuietly(statement, e);
            throw DuckDbErrors.classify(e);
        } finally {
            session.release();
        }
    }

    /** What listings may show to the session's user. */
    public TableVisibility visibility(QuerySession session) {
        return authorizer.accessFor(session);
    }

    /** Replaces the parameter values bound to a prepared statement (one list per parameter row). */
    public void bind(QuerySession session, String handle, List<List<Object>> rows) {
        try {
            prepared(session, handle).bind(rows);
        } catch (IllegalArgumentException e) {
            throw PondhouseException.userError(e.getMessage());
        }
    }

    /** Converts an Arrow parameter batch to rows of Java values. */
    public static List<List<Object>> parameterRows(org.apache.arrow.vector.VectorSchemaRoot batch) {
        return ArrowParameters.rows(batch);
    }

    public PreparedQuery prepared(QuerySession session, String handle) {
        return session.prepared(handle).orElseThrow(() -> PondhouseException.notFound(
                "prepared statement " + handle + " does not exist in this session (closed, or the session expired)"));
    }

    public void closePrepared(QuerySession session, String handle) {
        PreparedQuery query = session.removePrepared(handle).orElseThrow(() -> PondhouseException.notFound(
                "prepared statement " + handle + " does not exist in this session"));
        DuckDBConnection ignored = session.acquire(limits.queueTimeout(), "closing a prepared statement");
        try {
            query.close();
        } catch (SQLException e) {
            throw DuckDbErrors.classify(e);
        } finally {
            session.release();
        }
    }

    /**
     * Prepares ad-hoc SQL, reserves what running it needs and starts executing it on an execution
     * thread, up to its first batch, while the client comes back for the result ({@link #awaitExecution}).
     * The rest of the result is produced as it is read, so client deadlines on reading it and the
     * server's time limit cover the whole execution.
     */
    public RunningQuery execute(QuerySession session, String sql, Optional<String> transactionId, BooleanSupplier clientGone) {
        requireSql(sql);
        return submit(session, Optional.empty(), sql, transactionId, clientGone);
    }

    /** Like {@link #execute} for a prepared statement with its bound parameters (one row). */
    public RunningQuery executePrepared(QuerySession session, String handle, Optional<String> transactionId,
            BooleanSupplier clientGone) {
        PreparedQuery query = prepared(session, handle);
        if (query.parameterRows().size() > 1) {
            throw PondhouseException.userError("a query takes one row of parameters, got " + query.parameterRows().size());
        }
        return submit(session, Optional.of(query), query.sql(), transactionId, clientGone);
    }

    /** Runs ad-hoc SQL that changes something; returns the number of rows changed (0 for DDL). */
    public long executeUpdate(QuerySession session, String sql, Optional<String> transactionId, BooleanSupplier clientGone) {
        requireSql(sql);
        return update(session, Optional.empty(), sql, transactionId, clientGone);
    }

    /** Runs a prepared update once per bound parameter row; returns the total of rows changed. */
    public long executePreparedUpdate(QuerySession session, String handle, Optional<String> transactionId,
            BooleanSupplier clientGone) {
        PreparedQuery query = prepared(session, handle);
        return update(session, Optional.of(query), query.sql(), transactionId, clientGone);
    }

    private RunningQuery submit(QuerySession session, Optional<PreparedQuery> prepared, String sql,
            Optional<String> transactionId, BooleanSupplier clientGone) {
        RunningQuery query = admit(session, prepared, sql, transactionId, clientGone, AuditEvent.Kind.QUERY);
        try {
            query.announce(prepared.isPresent() ? prepared.get().datasetSchema() : announcedSchema(query.statement()));
            // The call that submitted is over; from here on the reading call watches the client.
            query.watchClient(() -> false);
            query.startExecution(executions, () -> run(query));
            return query;
        } catch (SQLException | RuntimeException e) {
            PondhouseException failure = failure(query, e);
            closeAfterFailure(query, failure);
            throw failure;
        }
    }

    /**
     * Waits until a claimed query has executed up to its first batch; the caller then reads the
     * result ({@link RunningQuery#reader()}, {@link RunningQuery#firstBatch()}) and closes the query.
     * Failures come back classified (and the caller still closes the query).
     */
    public void awaitExecution(RunningQuery query) {
        try {
            query.awaitExecution();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            query.cancel(ErrorKind.CANCELLED);
            throw failure(query, new PondhouseException(ErrorKind.CANCELLED, "interrupted while waiting for query " + query.id()));
        } catch (RuntimeException e) {
            throw failure(query, e);
        }
    }

    /**
     * Executes a query and opens the Arrow stream over its result, loading the first batch: with a
     * streaming result most of DuckDB's work for a short answer happens in that first fetch.
     */
    private void run(RunningQuery query) {
        try {
            DuckDBPreparedStatement statement = query.statement();
            List<List<Object>> rows = query.parameters();
            bindRow(statement, rows.isEmpty() ? List.of() : rows.get(0));
            if (statement.execute()) {
                ResultSet resultSet = statement.getResultSet();
                int batchRows = BatchSizing.rowsPerBatch(resultSet.getMetaData(), limits.batchTargetBytes(), limits.batchRows());
                ArrowReader reader = (ArrowReader) resultSet.unwrap(DuckDBResultSet.class)
                        .arrowExportStream(query.allocator(), batchRows);
                query.result(resultSet, reader);
                query.firstBatch(reader.loadNextBatch() ? RunningQuery.FirstBatch.LOADED : RunningQuery.FirstBatch.END);
            }
        } catch (SQLException | java.io.IOException | RuntimeException e) {
            throw failure(query, e);
        }
    }

    private Schema announcedSchema(DuckDBPreparedStatement statement) throws SQLException {
        DuckDBResultSetMetaData metadata = statement.getMetaData().unwrap(DuckDBResultSetMetaData.class);
        return metadata.getReturnType() == StatementReturnType.QUERY_RESULT ? datasetSchema(metadata) : new Schema(List.of());
    }

    private long update(QuerySession session, Optional<PreparedQuery> prepared, String sql, Optional<String> transactionId,
            BooleanSupplier clientGone) {
        RunningQuery query = admit(session, prepared, sql, transactionId, clientGone, AuditEvent.Kind.UPDATE);
        try (query) {
            DuckDBPreparedStatement statement = query.statement();
            List<List<Object>> rows = prepared.map(PreparedQuery::parameterRows).orElse(List.of());
            long changed = 0;
            for (List<Object> row : rows.isEmpty() ? List.<List<Object>>of(List.of()) : rows) {
                bindRow(statement, row);
                if (statement.execute()) {
                    statement.getResultSet().close();
                } else {
                    changed += Math.max(0, statement.getLargeUpdateCount());
                }
            }
            query.sent(changed, 0);
            return changed;
        } catch (SQLException | RuntimeException e) {
            throw failure(query, e);
        }
    }

    /** Takes a query slot and the session's connection, and registers the query with the watchdog. */
    private RunningQuery admit(QuerySession session, Optional<PreparedQuery> prepared, String sql,
            Optional<String> transactionId, BooleanSupplier clientGone, AuditEvent.Kind kind) {
        SessionControl.checkTransaction(session, transactionId);
        String id = newId();
        UserLimits userLimits = UserLimits.of(limits, authorizer.accessFor(session).roles());
        List<Runnable> undo = new ArrayList<>();
        undo.add(takeUserSlot(session.user(), userLimits));
        try {
            acquirePermit();
        } catch (RuntimeException e) {
            undo.get(0).run();
            throw e;
        }
        undo.add(queryPermits::release);
        try {
            DuckDBConnection connection = session.acquire(limits.queueTimeout(), "query " + id);
            undo.add(session::release);
            BufferAllocator queryAllocator = allocator.newChildAllocator("query-" + id, 0, userLimits.memoryPerQueryBytes());
            undo.add(queryAllocator::close);
            StatementAuthorizer.Authorized authorized = prepared.isPresent()
                    ? recheck(session, connection, prepared.get())
                    : authorizer.authorize(session, connection, sql);
            DuckDBPreparedStatement statement;
            try {
                statement = prepared.isPresent()
                        ? prepared.get().statement()
                        : connection.prepareStatement(authorized.sql()).unwrap(DuckDBPreparedStatement.class);
            } catch (SQLException e) {
                throw DuckDbErrors.classify(e);
            }
            undo.remove(undo.size() - 1);
            RunningQuery query = new RunningQuery(id, session.user(), sql, session, connection, statement,
                    prepared.isEmpty(), queryAllocator, userLimits,
                    prepared.map(PreparedQuery::parameterRows).orElse(List.of()));
            undo.forEach(query::onClose);
            metrics.queryStarted();
            query.onClose(() -> audit(query, kind, authorized.tables()));
            query.onClose(() -> running.remove(id));
            query.onClose(() -> retire(queryAllocator));
            query.watchClient(clientGone);
            running.put(id, query);
            return query;
        } catch (RuntimeException e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
            throw e;
        }
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

    public int runningCount() {
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
     * Checks a prepared statement again when the access rules or the lake changed since it was
     * last checked; it keeps running only when it still reads exactly what it was prepared to read.
     */
    private StatementAuthorizer.Authorized recheck(QuerySession session, DuckDBConnection connection, PreparedQuery prepared) {
        StatementAuthorizer.Authorized before = prepared.authorized();
        if (authorizer.accessFor(session).generation() == before.generation()) {
            return before;
        }
        StatementAuthorizer.Authorized again = authorizer.authorize(session, connection, prepared.sql());
        if (!again.sql().equals(before.sql())) {
            throw new PondhouseException(ErrorKind.CONFLICT, "the access rules changed since this statement was prepared; "
                    + "prepare it again");
        }
        prepared.reauthorized(again);
        return again;
    }

    private void audit(RunningQuery query, AuditEvent.Kind kind, List<String> tables) {
        AuditEvent.Outcome outcome = query.failure().isEmpty() ? AuditEvent.Outcome.SUCCESS
                : query.stopReason().filter(reason -> reason == ErrorKind.CANCELLED).isPresent()
                        ? AuditEvent.Outcome.CANCELLED
                        : AuditEvent.Outcome.FAILURE;
        audit.record(new AuditEvent(clock.instant(), kind, query.user(), query.session().clientAddress(),
                Optional.of(query.sql()), tables, query.rowsSent(), query.bytesSent(), query.elapsed(), outcome,
                query.failure().map(Throwable::getMessage)));
        metrics.resultSent(query.rowsSent(), query.bytesSent());
        query.failure().ifPresent(failure -> metrics.queryFailed(failure.kind()));
    }

    /** Turns an execution failure into the error the client sees, naming the limit that stopped it, and records it on the query. */
    public PondhouseException failure(RunningQuery query, Exception error) {
        PondhouseException failure = classify(query, error);
        query.failed(failure);
        return failure;
    }

    private PondhouseException classify(RunningQuery query, Exception error) {
        Optional<ErrorKind> stopped = query.stopReason();
        if (stopped.isPresent() && stopped.get() == ErrorKind.TIMED_OUT) {
            return new PondhouseException(ErrorKind.TIMED_OUT, "query " + query.id() + " was stopped after "
                    + query.limits().timeout().toSeconds() + " s (" + query.limits().source() + ".timeout)", error);
        }
        if (stopped.isPresent()) {
            return new PondhouseException(ErrorKind.CANCELLED, "query " + query.id() + " was cancelled", error);
        }
        if (error instanceof PondhouseException known) {
            return known;
        }
        if (error instanceof SQLException sql) {
            return DuckDbErrors.classify(sql);
        }
        if (error instanceof java.io.IOException streamFailure) {
            // DuckDB's error while producing a later batch, wrapped by Arrow's C stream import.
            Optional<PondhouseException> duckDbError = DuckDbErrors.fromStreamFailure(streamFailure);
            if (duckDbError.isPresent()) {
                return duckDbError.get();
            }
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            // Arrow reports the allocator limit wrapped in whatever was loading buffers at the time.
            if (cause instanceof org.apache.arrow.memory.OutOfMemoryException) {
                return new PondhouseException(ErrorKind.RESOURCE_EXHAUSTED, "query " + query.id()
                        + " needs more memory than " + query.limits().source() + ".memory-per-query ("
                        + query.limits().memoryPerQuery() + ") allows", error);
            }
        }
        return new PondhouseException(ErrorKind.INTERNAL, "query " + query.id() + " failed", error);
    }

    private static void closeAfterFailure(RunningQuery query, Exception failure) {
        try {
            query.close();
        } catch (RuntimeException closeFailure) {
            failure.addSuppressed(closeFailure);
        }
    }

    private static void bindRow(DuckDBPreparedStatement statement, List<Object> row) throws SQLException {
        for (int i = 0; i < row.size(); i++) {
            statement.setObject(i + 1, row.get(i));
        }
    }

    /**
     * The result schema announced when preparing, derived from DuckDB's type names the way its
     * Arrow export types them (with Flight SQL column metadata); the schema sent with the data is
     * DuckDB's own.
     */
    private Schema datasetSchema(ResultSetMetaData metadata) throws SQLException {
        List<ColumnDescription> columns = new ArrayList<>(metadata.getColumnCount());
        for (int column = 1; column <= metadata.getColumnCount(); column++) {
            columns.add(ColumnDescription.ofResult(metadata.getColumnLabel(column), metadata.getColumnTypeName(column)));
        }
        try {
            return types.resultSchema(columns);
        } catch (IllegalArgumentException unknownType) {
            log.debug("a result type could not be mapped ({}); announcing text columns", unknownType.getMessage());
            return new Schema(columns.stream().map(column -> Field.nullable(column.name(), ArrowType.Utf8.INSTANCE)).toList());
        }
    }

    /** One field per parameter, typed so that the Flight SQL JDBC driver can bind values into it. */
    private Schema parameterSchema(ParameterMetaData metadata) throws SQLException {
        List<Field> fields = new ArrayList<>(metadata.getParameterCount());
        for (int parameter = 1; parameter <= metadata.getParameterCount(); parameter++) {
            String name = "parameter_" + parameter;
            String type = metadata.getParameterTypeName(parameter);
            try {
                fields.add(types.parameterField(name, type == null ? "VARCHAR" : type));
            } catch (IllegalArgumentException unknownType) {
                fields.add(Field.nullable(name, ArrowType.Utf8.INSTANCE));
            }
        }
        return new Schema(fields);
    }

    private static void requireSql(String sql) {
        if (sql == null || sql.isBlank()) {
            throw PondhouseException.userError("the statement is empty");
        }
    }

    private static void closeQuietly(AutoCloseable resource, Exception failure) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception closeFailure) {
            failure.addSuppressed(closeFailure);
        }
    }

    private String newId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        // Running executions are interrupted below (cancel) and waited for by each query's close.
        executions.shutdown();
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
                        closeQuietly(query, new IllegalStateException("closing query " + query.id() + " at shutdown"));
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
