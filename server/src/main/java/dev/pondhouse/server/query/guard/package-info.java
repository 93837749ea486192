/**
 * The statement guard: every SQL statement a client sends (plain, prepared or update) is checked here
 * before it runs.
 *
 * <ul>
 *   <li>{@link dev.pondhouse.server.query.guard.StatementGuard}: the entry point, {@code check(connection,
 *       sql, context)} returning a {@link dev.pondhouse.server.query.guard.GuardDecision};
 *   <li>{@link dev.pondhouse.server.query.guard.GuardContext}: what the caller tells the guard about the
 *       session and the user ({@link dev.pondhouse.server.query.guard.TableAccess} per table);
 *   <li>package-private: {@code DuckDbParser} (DuckDB's own parser through {@code json_serialize_sql}),
 *       {@code QueryTreeChecker} (the walk over the syntax tree, CTE scoping), {@code TableNameResolver}
 *       (DuckDB's name resolution), {@code FunctionPolicy} (which functions may be called),
 *       {@code TemporaryObjectStatement} (the session's temporary views and tables).
 * </ul>
 *
 * <p>Deny by default: a statement runs only when the guard understood all of it. The classes' comments
 * record the DuckDB 2.0 behaviour the rules rest on; the tests in the same package pin that behaviour,
 * so a DuckDB upgrade that changes it fails the build.
 */
package dev.pondhouse.server.query.guard;
