package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.StatementReturnType;

/**
 * A statement prepared once on its session's connection and executed any number of times with
 * parameters bound by the client in between.
 *
 * <p>Thread-safety: the DuckDB statement is only touched while the session's connection is held;
 * the bound parameters are guarded by this.
 */
public final class PreparedQuery implements AutoCloseable {
    private final String handle;
    private final String sql;
    private final DuckDBPreparedStatement statement;
    private final StatementReturnType returnType;
    private final Schema datasetSchema;
    private final Schema parameterSchema;
    private volatile StatementAuthorizer.Authorized authorized;

    // Guarded by this: each inner list is one row of parameter values, in parameter order.
    private List<List<Object>> parameterRows = List.of();

    PreparedQuery(String handle, String sql, StatementAuthorizer.Authorized authorized, DuckDBPreparedStatement statement,
            StatementReturnType returnType, Schema datasetSchema, Schema parameterSchema) {
        this.handle = requireNonNull(handle, "handle is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.authorized = requireNonNull(authorized, "authorized is null");
        this.statement = requireNonNull(statement, "statement is null");
        this.returnType = requireNonNull(returnType, "returnType is null");
        this.datasetSchema = requireNonNull(datasetSchema, "datasetSchema is null");
        this.parameterSchema = requireNonNull(parameterSchema, "parameterSchema is null");
    }

    public String handle() {
        return handle;
    }

    /** The statement as the client sent it. */
    public String sql() {
        return sql;
    }

    /** What the guard allowed when it was last checked. */
    StatementAuthorizer.Authorized authorized() {
        return authorized;
    }

    void reauthorized(StatementAuthorizer.Authorized again) {
        this.authorized = requireNonNull(again, "again is null");
    }

    /** Whether executing it yields rows (a query) rather than a count or nothing. */
    public boolean returnsRows() {
        return returnType == StatementReturnType.QUERY_RESULT;
    }

    public Schema datasetSchema() {
        return datasetSchema;
    }

    public Schema parameterSchema() {
        return parameterSchema;
    }

    DuckDBPreparedStatement statement() {
        return statement;
    }

    synchronized void bind(List<List<Object>> rows) {
        int expected = parameterSchema.getFields().size();
        for (List<Object> row : rows) {
            if (row.size() != expected) {
                throw new IllegalArgumentException("statement takes " + expected + " parameter(s), got " + row.size());
            }
        }
        parameterRows = List.copyOf(rows.stream().map(java.util.Collections::unmodifiableList).toList());
    }

    synchronized List<List<Object>> parameterRows() {
        return parameterRows;
    }

    @Override
    public void close() throws SQLException {
        statement.close();
    }
}
