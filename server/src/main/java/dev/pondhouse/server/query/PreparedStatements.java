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
 * by the statement guard), binds parameter rows to it, looks it up and closes it; and derives the
 * schemas announced to the client for a statement's result and parameters.
 *
 * <p>Thread-safe: holds no mutable state of its own. A statement is prepared and closed only while
 * its session's connection is held; each session keeps its own prepared statements.
 */
public final class PreparedStatements {
    private static final Logger log = LoggerFactory.getLogger(PreparedStatements.class);

    private final Duration queueTimeout;
    private final StatementAuthorizer authorizer;
    private final DuckDbArrowTypes types;
    private final SecureRandom random = new SecureRandom();

    public PreparedStatements(Duration queueTimeout, StatementAuthorizer authorizer, DuckDbArrowTypes types) {
        this.queueTimeout = requireNonNull(queueTimeout, "queueTimeout is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.types = requireNonNull(types, "types is null");
    }

    /** Prepares {@code sql} on the session's connection; the handle stays valid until closed. */
    public PreparedQuery prepare(QuerySession session, String sql, Optional<String> transactionId) {
        requireSql(sql);
        SessionControl.checkTransaction(session, transactionId);
        DuckDBConnection connection = session.acquire(queueTimeout, "preparing a statement");
        DuckDBPreparedStatement statement = null;
        try {
            StatementAuthorizer.Authorized authorized = authorizer.authorize(session, connection, sql);
            statement = connection.prepareStatement(authorized.sql()).unwrap(DuckDBPreparedStatement.class);
            DuckDBResultSetMetaData metadata = statement.getMetaData().unwrap(DuckDBResultSetMetaData.class);
            StatementReturnType returnType = metadata.getReturnType();
            Schema dataset = returnType == StatementReturnType.QUERY_RESULT ? datasetSchema(metadata) : new Schema(List.of());
            PreparedQuery query = new PreparedQuery(newHandle(), sql, authorized, statement, returnType, dataset,
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
            throw DuckDbErrors.classify(e);
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

    /** The schema announced for a statement's result: zero fields when it returns no rows. */
    Schema announcedSchema(DuckDBPreparedStatement statement) throws SQLException {
        DuckDBResultSetMetaData metadata = statement.getMetaData().unwrap(DuckDBResultSetMetaData.class);
        return metadata.getReturnType() == StatementReturnType.QUERY_RESULT ? datasetSchema(metadata) : new Schema(List.of());
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
