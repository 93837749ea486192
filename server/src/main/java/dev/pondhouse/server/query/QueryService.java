package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.audit.AuditEvent;
import dev.pondhouse.server.audit.AuditLog;
import dev.pondhouse.server.config.QuerySection;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.metrics.ServerMetrics;
import dev.pondhouse.server.query.metadata.TableVisibility;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.DuckDBResultSet;

/**
 * Runs statements on session connections, within the server's limits as {@link RunningQueries}
 * keeps them: a statement is admitted (a query slot, the session's connection, an Arrow allocator
 * capped at {@code query.memory-per-query}, the statement guard's check), then a query starts
 * executing on an execution thread while its client comes back for the result, and an update runs
 * to its end on the calling thread. Failures are classified here, naming the limit that stopped a
 * statement, and every statement is audited when it closes.
 *
 * <p>Thread-safe. Results are exported from DuckDB through Arrow's C stream interface in batches of
 * {@code query.batch-rows} rows and are never materialized as a whole.
 */
public final class QueryService implements AutoCloseable {
    private final QuerySection limits;
    private final BufferAllocator allocator;
    private final PreparedStatements statements;
    private final RunningQueries running;
    private final StatementAuthorizer authorizer;
    private final AuditLog audit;
    private final ServerMetrics metrics;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    // Executes submitted queries up to their first batch while the client asks for the result. At
    // most query.max-concurrent of them run at once (each holds a query slot of RunningQueries), so
    // the pool is bounded by the slots; idle threads end after a minute.
    private final AtomicInteger executionThreads = new AtomicInteger();
    private final ExecutorService executions = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "pondhouse-query-execution-" + executionThreads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    public QueryService(QuerySection limits, BufferAllocator allocator, PreparedStatements statements,
            RunningQueries running, StatementAuthorizer authorizer, AuditLog audit, ServerMetrics metrics, Clock clock) {
        this.limits = requireNonNull(limits, "limits is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.statements = requireNonNull(statements, "statements is null");
        this.running = requireNonNull(running, "running is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** What listings may show to the session's user. */
    public TableVisibility visibility(QuerySession session) {
        return authorizer.accessFor(session);
    }

    /**
     * Prepares ad-hoc SQL, reserves what running it needs and starts executing it on an execution
     * thread, up to its first batch, while the client comes back for the result ({@link #awaitExecution}).
     * The rest of the result is produced as it is read, so client deadlines on reading it and the
     * server's time limit cover the whole execution.
     */
    public RunningQuery execute(QuerySession session, String sql, Optional<String> transactionId, BooleanSupplier clientGone) {
        PreparedStatements.requireSql(sql);
        return submit(session, Optional.empty(), sql, transactionId, clientGone);
    }

    /** Like {@link #execute} for a prepared statement with its bound parameters (one row). */
    public RunningQuery executePrepared(QuerySession session, String handle, Optional<String> transactionId,
            BooleanSupplier clientGone) {
        PreparedQuery query = statements.prepared(session, handle);
        if (query.parameterRows().size() > 1) {
            throw PondhouseException.userError("a query takes one row of parameters, got " + query.parameterRows().size());
        }
        return submit(session, Optional.of(query), query.sql(), transactionId, clientGone);
    }

    /** Runs ad-hoc SQL that changes something; returns the number of rows changed (0 for DDL). */
    public long executeUpdate(QuerySession session, String sql, Optional<String> transactionId, BooleanSupplier clientGone) {
        PreparedStatements.requireSql(sql);
        return update(session, Optional.empty(), sql, transactionId, clientGone);
    }

    /** Runs a prepared update once per bound parameter row; returns the total of rows changed. */
    public long executePreparedUpdate(QuerySession session, String handle, Optional<String> transactionId,
            BooleanSupplier clientGone) {
        PreparedQuery query = statements.prepared(session, handle);
        return update(session, Optional.of(query), query.sql(), transactionId, clientGone);
    }

    private RunningQuery submit(QuerySession session, Optional<PreparedQuery> prepared, String sql,
            Optional<String> transactionId, BooleanSupplier clientGone) {
        RunningQuery query = admit(session, prepared, sql, transactionId, clientGone, AuditEvent.Kind.QUERY);
        try {
            // The call that submitted is over; from here on the reading call watches the client.
            query.watchClient(() -> false);
            query.startExecution(executions, () -> run(query));
            return query;
        } catch (RuntimeException e) {
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
            if (query.execute()) {
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

    private long update(QuerySession session, Optional<PreparedQuery> prepared, String sql, Optional<String> transactionId,
            BooleanSupplier clientGone) {
        RunningQuery query = admit(session, prepared, sql, transactionId, clientGone, AuditEvent.Kind.UPDATE);
        try (query) {
            DuckDBPreparedStatement statement = query.statement();
            List<List<Object>> rows = query.parameters();
            long changed = 0;
            for (List<Object> row : rows.isEmpty() ? List.<List<Object>>of(List.of()) : rows) {
                bindRow(statement, row);
                if (query.execute()) {
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

    /**
     * Takes a query slot and the session's connection, checks the statement, and registers the
     * query with {@link RunningQueries}.
     */
    private RunningQuery admit(QuerySession session, Optional<PreparedQuery> prepared, String sql,
            Optional<String> transactionId, BooleanSupplier clientGone, AuditEvent.Kind kind) {
        SessionControl.checkTransaction(session, transactionId);
        String id = newId();
        UserLimits userLimits = UserLimits.of(limits, authorizer.accessFor(session).roles());
        List<Runnable> undo = new ArrayList<>();
        undo.add(running.reserve(session.user(), userLimits));
        try {
            DuckDBConnection connection = session.acquire(limits.queueTimeout(), "query " + id);
            undo.add(session::release);
            BufferAllocator queryAllocator = allocator.newChildAllocator("query-" + id, 0, userLimits.memoryPerQueryBytes());
            undo.add(queryAllocator::close);
            StatementAuthorizer.Authorized authorized = prepared.isPresent()
                    ? statements.recheck(session, connection, prepared.get())
                    : authorizer.authorize(session, connection, sql);
            if (authorized.changesSession()) {
                // The connection stays held until the statement ran, so no check of this session
                // can look up a remembered decision between now and the change.
                session.checkedStatements().forget();
            }
            PreparedStatements.Execution execution;
            try {
                if (prepared.isPresent()) {
                    execution = statements.forPrepared(connection, prepared.get(), authorized);
                } else if (kind == AuditEvent.Kind.QUERY) {
                    execution = statements.forQuery(session, connection, sql, authorized);
                } else {
                    execution = statements.forUpdate(connection, authorized);
                }
            } catch (SQLException e) {
                throw statements.classify(e);
            }
            undo.remove(undo.size() - 1);
            RunningQuery query = new RunningQuery(id, session.user(), sql, session, connection, execution.statement(),
                    execution.textToRun(), execution.owned(), queryAllocator, userLimits,
                    prepared.map(PreparedQuery::parameterRows).orElse(List.of()));
            if (kind == AuditEvent.Kind.QUERY) {
                query.announce(execution.columns());
            }
            undo.forEach(query::onClose);
            metrics.queryStarted();
            query.onClose(() -> audit(query, kind, authorized.tables()));
            query.watchClient(clientGone);
            running.register(query, queryAllocator);
            return query;
        } catch (RuntimeException e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
            throw e;
        }
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
            return statements.classify(sql);
        }
        if (error instanceof java.io.IOException streamFailure) {
            // DuckDB's error while producing a later batch, wrapped by Arrow's C stream import.
            Optional<PondhouseException> duckDbError = DuckDbErrors.fromStreamFailure(streamFailure);
            if (duckDbError.isPresent()) {
                return statements.classified(duckDbError.get());
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

    private String newId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Stops taking new executions: a query submitted from now on fails as unavailable (an update,
     * which runs on the calling thread, still runs). Executions already running are interrupted and
     * waited for by {@link RunningQueries#close()}, which comes next.
     */
    @Override
    public void close() {
        executions.shutdown();
    }
}
