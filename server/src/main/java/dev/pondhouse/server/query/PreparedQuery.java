package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.StatementReturnType;

/**
 * A statement prepared once on its session's connection and executed any number of times with
 * parameters bound by the client in between.
 *
 * <p>A parameterless query whose shape the session already knew ({@link CheckedStatements}) gets a
 * handle without a DuckDB statement: it runs its checked text when executed, so DuckDB plans it
 * once per execution instead of once more for the prepare (see {@link PreparedStatements}). A
 * handle remembers the lake version its shape was learned at; once the served views moved on, it
 * is prepared again before it runs.
 *
 * <p>Thread-safety: the DuckDB statement and the version are only touched (and set) while the
 * session's connection is held; the bound parameters are guarded by this.
 */
public final class PreparedQuery implements AutoCloseable {
    private final String handle;
    private final String sql;
    // Guarded by the session's connection. The statement is null for a handle made from a known
    // shape until it is prepared again.
    private DuckDBPreparedStatement statement;
    private long shapeVersion;
    private final StatementReturnType returnType;
    private final QueryShape shape;
    private volatile StatementAuthorizer.Authorized authorized;

    // Guarded by this: each inner list is one row of parameter values, in parameter order.
    private List<List<Object>> parameterRows = List.of();

    /** A statement prepared in DuckDB at lake version {@code shapeVersion}. */
    PreparedQuery(String handle, String sql, StatementAuthorizer.Authorized authorized, DuckDBPreparedStatement statement,
            long shapeVersion, StatementReturnType returnType, QueryShape shape) {
        this(handle, sql, authorized, shapeVersion, returnType, shape, requireNonNull(statement, "statement is null"));
    }

    private PreparedQuery(String handle, String sql, StatementAuthorizer.Authorized authorized, long shapeVersion,
            StatementReturnType returnType, QueryShape shape, DuckDBPreparedStatement statement) {
        this.handle = requireNonNull(handle, "handle is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.authorized = requireNonNull(authorized, "authorized is null");
        this.statement = statement;
        this.shapeVersion = shapeVersion;
        this.returnType = requireNonNull(returnType, "returnType is null");
        this.shape = requireNonNull(shape, "shape is null");
    }

    /**
     * A parameterless query with no DuckDB statement yet, announcing the {@code shape} the session
     * learned at lake version {@code shapeVersion}.
     */
    static PreparedQuery ofKnownShape(String handle, String sql, StatementAuthorizer.Authorized authorized, QueryShape shape,
            long shapeVersion) {
        if (shape.takesParameters()) {
            throw new IllegalArgumentException("a query taking parameters is prepared in DuckDB");
        }
        return new PreparedQuery(handle, sql, authorized, shapeVersion, StatementReturnType.QUERY_RESULT, shape, null);
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
        return shape.columns();
    }

    public Schema parameterSchema() {
        return shape.parameters();
    }

    /** What was announced for it: result columns and parameters. */
    QueryShape shape() {
        return shape;
    }

    /** Its DuckDB statement; empty for a handle made from a known shape that was not prepared since. */
    Optional<DuckDBPreparedStatement> statement() {
        return Optional.ofNullable(statement);
    }

    /** The lake version its shape was learned (or last confirmed) at. */
    long shapeVersion() {
        return shapeVersion;
    }

    /**
     * Replaces its DuckDB statement (closing the one it had) with one prepared again at lake version
     * {@code version}, with the shape it announced.
     */
    void reprepared(DuckDBPreparedStatement again, long version) throws SQLException {
        requireNonNull(again, "again is null");
        DuckDBPreparedStatement before = statement;
        statement = again;
        shapeVersion = version;
        if (before != null) {
            before.close();
        }
    }

    synchronized void bind(List<List<Object>> rows) {
        int expected = shape.parameters().getFields().size();
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
        if (statement != null) {
            statement.close();
        }
    }
}
