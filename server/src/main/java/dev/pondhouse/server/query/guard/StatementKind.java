package dev.pondhouse.server.query.guard;

/** What an allowed statement does. */
public enum StatementKind {
    /** A query: returns rows, changes nothing. */
    QUERY,
    /** {@code CREATE [OR REPLACE] TEMPORARY VIEW} in the session's own temporary catalog. */
    CREATE_TEMPORARY_VIEW,
    /** {@code CREATE [OR REPLACE] TEMPORARY TABLE ... AS SELECT} in the session's own temporary catalog. */
    CREATE_TEMPORARY_TABLE,
    /** {@code DROP VIEW|TABLE} of one of the session's temporary objects. */
    DROP_TEMPORARY
}
