package dev.pondhouse.server.query.guard;

import java.util.Optional;

/**
 * What the {@link StatementGuard} needs to know about the session and the user. Supplied by the
 * caller for each check; answers must reflect the session as it is when the statement runs right
 * after the check, on the same connection.
 *
 * <p>Contract that keeps name resolution sound: {@link #tableAccess} answers {@link TableAccess#READ}
 * or {@link TableAccess.ReadThrough} only for objects that exist. DuckDB falls through its search
 * path when a name does not exist (for example from {@code pondhouse.tpch.x} to {@code system.main.x});
 * the guard only ever asks about the first candidate and relies on a "denied" answer for a missing
 * one.
 */
public interface GuardContext {
    /** The session's current database, e.g. {@code pondhouse}. */
    String defaultCatalog();

    /** The session's current schema, e.g. {@code tpch}. */
    String defaultSchema();

    /**
     * Whether a table or view {@code temp.main.<name>} exists in this session, with DuckDB's
     * case-insensitive matching.
     */
    boolean isTemporaryObject(String name);

    /** Access to a resolved table or view that is not a temporary object or a CTE. */
    TableAccess tableAccess(QualifiedTable table);

    /**
     * For a table function outside the guard's allow list called without arguments (for example
     * {@code duckdb_tables()}): a view to read instead, if the gateway offers one. The name is in
     * lower case.
     */
    Optional<QualifiedTable> tableFunctionReplacement(String functionName);
}
