package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.query.metadata.ColumnDescription;
import dev.pondhouse.server.query.metadata.DuckDbArrowTypes;
import java.security.SecureRandom;
import java.sql.ParameterMetaData;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.DuckDBResultSetMetaData;
import org.duckdb.StatementReturnType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prepared statements of sessions: prepares a statement on its session's connection (checked
 * by the statement guard), binds parameter rows to it, looks it up and closes it; derives the
 * schemas announced to the client for a statement's result and parameters; and chooses the DuckDB
 * statement an execution runs.
 *
 * <p>DuckDB plans a prepared statement over the lake's Parquet views again when it executes it
 * (measured: preparing costs 1.8-3.9 ms for the TPC-H queries, and executing the prepared statement
 * as much as running the text directly), so a query prepared only to learn its shape is planned
 * twice. A session therefore remembers the {@link QueryShape} of the queries it prepared, valid for
 * the same statement guard decision and the same version of the served views
 * ({@code ViewPublisher#version}); with a known shape, a parameterless query is neither prepared to
 * run ad hoc nor when a client prepares it (the Flight SQL JDBC driver prepares every statement):
 * its checked text runs on an unprepared statement, planned once.
 *
 * <p>Thread-safe: holds no mutable state of its own. A statement is prepared and closed only while
 * its session's connection is held; each session keeps its own prepared statements.
 */
public final class PreparedStatements {
    private static final Logger log = LoggerFactory.getLogger(PreparedStatements.class);

    private final Duration queueTimeout;
    private final StatementAuthorizer authorizer;
    private final DuckDbArrowTypes types;
    private final ServedViews views;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param views a remembered query shape holds only while their version stays the same; they are
     *     refreshed when DuckDB finds a file of them gone
     */
    public PreparedStatements(Duration queueTimeout, StatementAuthorizer authorizer, DuckDbArrowTypes types,
            ServedViews views) {
        this.queueTimeout = requireNonNull(queueTimeout, "queueTimeout is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.types = requireNonNull(types, "types is null");
        this.views = requireNonNull(views, "views is null");
    }

    /**
     * The DuckDB statement an execution runs: a prepared statement, or an unprepared one and the
     * text to run on it; {@code owned} when the execution closes it; and the result's columns to
     * announce.
     */
    record Execution(DuckDBPreparedStatement statement, Optional<String> textToRun, boolean owned, Schema columns) {}

    /**
     * Prepares {@code sql} on the session's connection; the handle stays valid until closed. A
     * parameterless query whose shape the session knows gets a handle without a DuckDB statement.
     */
    public PreparedQuery prepare(QuerySession session, String sql, Optional<String> transactionId) {
        requireSql(sql);
        SessionControl.checkTransaction(session, transactionId);
        DuckDBConnection connection = session.acquire(queueTimeout, "preparing a statement");
        DuckDBPreparedStatement statement = null;
        try {
            StatementAuthorizer.Authorized authorized = authorizer.authorize(session, connection, sql);
            long version = views.version();
            Optional<QueryShape> known = knownShape(session, sql, authorized, version);
            PreparedQuery query;
            if (known.isPresent()) {
                query = PreparedQuery.ofKnownShape(newHandle(), sql, authorized, known.get(), version);
            } else {
                statement = prepared(connection, authorized);
                StatementReturnType returnType = statement.getMetaData().unwrap(DuckDBResultSetMetaData.class).getReturnType();
                QueryShape shape = shapeOf(statement);
                if (returnType == StatementReturnType.QUERY_RESULT) {
                    session.checkedStatements().rememberShape(sql, authorized, version, shape);
                }
                query = new PreparedQuery(newHandle(), sql, authorized, statement, version, returnType, shape);
            }
            session.addPrepared(query);
            return query;
        } catch (SQLException e) {
            closeQuietly(statement, e);
            throw classify(e);
        } finally {
            session.release();
        }
    }

    /**
     * What an ad-hoc query runs, with the session's connection held: its text on an unprepared
     * statement when the session knows its shape, else a statement prepared to learn the shape.
     */
    Execution forQuery(QuerySession session, DuckDBConnection connection, String sql,
            StatementAuthorizer.Authorized authorized) throws SQLException {
        long version = views.version();
        Optional<QueryShape> known = knownShape(session, sql, authorized, version);
        if (known.isPresent()) {
            return new Execution(unprepared(connection), Optional.of(authorized.sql()), true, known.get().columns());
        }
        DuckDBPreparedStatement statement = prepared(connection, authorized);
        try {
            QueryShape shape = shapeOf(statement);
            session.checkedStatements().rememberShape(sql, authorized, version, shape);
            return new Execution(statement, Optional.empty(), true, shape.columns());
        } catch (SQLException | RuntimeException e) {
            closeQuietly(statement, e);
            throw e;
        }
    }

    /**
     * What executing a prepared statement runs, with the session's connection held and the statement
     * checked ({@code authorized}, see {@link #recheck}): its DuckDB statement, or for a handle
     * without one its checked text on an unprepared statement. When the served views moved on since
     * the handle's shape was learned, the statement is prepared again first, and fails as a conflict
     * if it no longer has the columns and parameters announced when the client prepared it (DuckDB
     * would run the old statement with whatever columns the tables have now).
     */
    Execution forPrepared(DuckDBConnection connection, PreparedQuery query, StatementAuthorizer.Authorized authorized)
            throws SQLException {
        long version = views.version();
        if (query.shapeVersion() != version) {
            DuckDBPreparedStatement again = prepared(connection, authorized);
            try {
                if (!shapeOf(again).equals(query.shape())) {
                    throw new PondhouseException(ErrorKind.CONFLICT, "the tables of prepared statement " + query.handle()
                            + " changed their columns since it was prepared; prepare it again");
                }
            } catch (SQLException | RuntimeException e) {
                closeQuietly(again, e);
                throw e;
            }
            query.reprepared(again, version);
        }
        Optional<DuckDBPreparedStatement> own = query.statement();
        if (own.isPresent()) {
            return new Execution(own.get(), Optional.empty(), false, query.datasetSchema());
        }
        return new Execution(unprepared(connection), Optional.of(authorized.sql()), true, query.datasetSchema());
    }

    /** DuckDB's error as the client sees it (see {@link #classified}). */
    PondhouseException classify(SQLException error) {
        return classified(DuckDbErrors.classify(error));
    }

    /**
     * Passes on a classified DuckDB error; when DuckDB found a file of the lake gone, the views are
     * refreshed soon, so that running the statement again reads the files the lake has now.
     */
    PondhouseException classified(PondhouseException error) {
        if (error instanceof DuckDbErrors.LakeFileGone) {
            log.warn("a statement read a file of the lake that is gone; refreshing the lake: {}",
                    error.getCause() == null ? error.getMessage() : error.getCause().getMessage());
            views.refreshSoon();
        }
        return error;
    }

    /** A remembered shape for {@code sql} under this decision and lake version, when it takes no parameters. */
    private static Optional<QueryShape> knownShape(QuerySession session, String sql, StatementAuthorizer.Authorized authorized,
            long version) {
        return session.checkedStatements().shape(sql, authorized, version).filter(shape -> !shape.takesParameters());
    }

    /** What an ad-hoc statement other than a query runs, with the session's connection held: the statement, prepared. */
    Execution forUpdate(DuckDBConnection connection, StatementAuthorizer.Authorized authorized) throws SQLException {
        return new Execution(prepared(connection, authorized), Optional.empty(), true, new Schema(List.of()));
    }

    private static DuckDBPreparedStatement prepared(DuckDBConnection connection, StatementAuthorizer.Authorized authorized)
            throws SQLException {
        return connection.prepareStatement(authorized.sql()).unwrap(DuckDBPreparedStatement.class);
    }

    private static DuckDBPreparedStatement unprepared(DuckDBConnection connection) throws SQLException {
        return connection.createStatement().unwrap(DuckDBPreparedStatement.class);
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
    public static List<List<Object>> parameterRows(VectorSchemaRoot batch) {
        return ArrowParameters.rows(batch);
    }

    public PreparedQuery prepared(QuerySession session, String handle) {
        return session.prepared(handle).orElseThrow(() -> PondhouseException.notFound(
                "prepared statement " + handle + " does not exist in this session (closed, or the session expired)"));
    }

    public void closePrepared(QuerySession session, String handle) {
        PreparedQuery query = session.removePrepared(handle).orElseThrow(() -> PondhouseException.notFound(
                "prepared statement " + handle + " does not exist in this session"));
        DuckDBConnection ignored = session.acquire(queueTimeout, "closing a prepared statement");
        try {
            query.close();
        } catch (SQLException e) {
            throw classify(e);
        } finally {
            session.release();
        }
    }

    /**
     * Checks a prepared statement again when the access rules or the lake changed since it was
     * last checked; it keeps running only when it still reads exactly what it was prepared to read.
     * Called with the session's connection held.
     */
    StatementAuthorizer.Authorized recheck(QuerySession session, DuckDBConnection connection, PreparedQuery prepared) {
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

    /** What is announced for a prepared statement: its result's columns (none when it returns no rows) and parameters. */
    private QueryShape shapeOf(DuckDBPreparedStatement statement) throws SQLException {
        DuckDBResultSetMetaData metadata = statement.getMetaData().unwrap(DuckDBResultSetMetaData.class);
        Schema columns = metadata.getReturnType() == StatementReturnType.QUERY_RESULT ? datasetSchema(metadata)
                : new Schema(List.of());
        return new QueryShape(columns, parameterSchema(statement.getParameterMetaData()));
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

    static void requireSql(String sql) {
        if (sql == null || sql.isBlank()) {
            throw PondhouseException.userError("the statement is empty");
        }
    }

    /** Closes {@code resource} after {@code failure}, keeping a failure to close as suppressed. */
    static void closeQuietly(AutoCloseable resource, Exception failure) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception closeFailure) {
            failure.addSuppressed(closeFailure);
        }
    }

    private String newHandle() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
