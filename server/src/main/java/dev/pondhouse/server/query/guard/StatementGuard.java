package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.query.guard.DuckDbParser.Failed;
import dev.pondhouse.server.query.guard.DuckDbParser.Outcome;
import dev.pondhouse.server.query.guard.DuckDbParser.Parsed;
import dev.pondhouse.server.query.guard.QueryTreeChecker.CheckedTree;
import dev.pondhouse.server.query.guard.QueryTreeChecker.NameForm;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, before anything runs, whether a client's SQL statement may run, and what exactly runs.
 * Deny by default: whatever the guard cannot judge, it refuses.
 *
 * <p>How: DuckDB parses the statement itself ({@code SELECT json_serialize_sql(?)} on the caller's
 * connection, the text bound as a parameter; see {@link DuckDbParser}), and the guard walks the
 * syntax tree ({@link QueryTreeChecker}). Allowed are:
 * <ul>
 *   <li>exactly one query: SELECT in all its forms (CTEs, recursive CTEs, set operations, VALUES,
 *       PIVOT/UNPIVOT in FROM, subqueries anywhere, window functions, lambdas, parameters {@code ?},
 *       {@code $1}, {@code $name}), reading only tables the {@link GuardContext} lets the user read
 *       ({@link TableNameResolver} for how names resolve), the CTEs and temporary objects of the
 *       session, and the table functions of {@link FunctionPolicy}; calling no function that
 *       {@link FunctionPolicy} denies; reading no file;
 *   <li>{@code CREATE [OR REPLACE] TEMP VIEW|TABLE name AS query} and {@code DROP VIEW|TABLE [IF EXISTS]
 *       name} on the session's temporary objects ({@link TemporaryObjectStatement}). The query of a
 *       temporary view is stored with every table name written out in full, because DuckDB binds a
 *       view's names again at every use with the session's current schema at that moment. A temporary
 *       object may shadow a lake table of the same name: that affects only the session that made it,
 *       and it can only hold data the session could read anyway.
 * </ul>
 * Refused is everything else: any other statement (SET, RESET, PRAGMA, ATTACH, DETACH, INSTALL,
 * LOAD, USE, CALL, COPY, EXPORT, IMPORT, INSERT, UPDATE, DELETE, CREATE, ALTER, CHECKPOINT, VACUUM,
 * ANALYZE, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE, PREPARE, EXECUTE, DEALLOCATE, BEGIN, COMMIT,
 * ROLLBACK), several statements at once, and any data-changing node DuckDB accepts inside a query
 * ({@code WITH x AS (COPY ...)}).
 *
 * <p>Rewrites: a table the context answers with {@link TableAccess.ReadThrough} is read through its
 * view, and a table function the context replaces is read as its view. The rewritten tree becomes
 * SQL again through {@code json_deserialize_sql}, and that SQL is parsed and checked once more
 * against only the tables the first check approved, with no further redirection; if it does not
 * pass, the statement is refused. Without a rewrite the client's own text runs.
 *
 * <p>Syntax errors: a {@link GuardDecision.Denied} with {@code userSyntaxError} set and DuckDB's
 * parser message ({@code Parser Error: syntax error at or near "selec"}).
 *
 * <p>Limits: the decision holds for the session as it is at check time, so the caller runs
 * {@code sqlToRun} right away on the same connection. Temporary views are checked when they are
 * created; a later change of the user's rights does not reach views the session already holds.
 *
 * <p>Thread-safety: stateless and safe to share; each call uses only the connection it is given,
 * which must not be used by another thread meanwhile.
 */
public final class StatementGuard {
    private final DuckDbParser parser = new DuckDbParser();
    private final QueryTreeChecker checker = new QueryTreeChecker(new FunctionPolicy(), new TableNameResolver());

    public StatementGuard() {}

    /**
     * Parses {@code sql} with DuckDB on {@code connection} and decides. Never runs the statement.
     *
     * @throws SQLException if the connection fails while parsing
     */
    public GuardDecision check(Connection connection, String sql, GuardContext context) throws SQLException {
        requireNonNull(connection, "connection is null");
        requireNonNull(sql, "sql is null");
        requireNonNull(context, "context is null");
        try {
            Optional<TemporaryObjectStatement> temporary = TemporaryObjectStatement.parse(sql);
            if (temporary.isPresent()) {
                return checkTemporaryObjectStatement(connection, temporary.get(), context);
            }
            return checkQuery(connection, sql, context, NameForm.AS_WRITTEN);
        } catch (StatementRefusal refusal) {
            return refusal.isSyntaxError()
                    ? GuardDecision.Denied.syntaxError(refusal.getMessage())
                    : GuardDecision.Denied.notPermitted(refusal.getMessage());
        }
    }

    private GuardDecision checkTemporaryObjectStatement(Connection connection, TemporaryObjectStatement statement, GuardContext context)
            throws SQLException {
        if (!statement.action().isCreate()) {
            if (!statement.existenceClause() && !context.isTemporaryObject(statement.name())) {
                throw new StatementRefusal("only temporary views and tables of this session can be dropped: "
                        + statement.nameAsWritten() + " is not one");
            }
            return new GuardDecision.Allowed(statement.statementToRun(""), Set.of(), statement.kind());
        }
        NameForm form = statement.action() == TemporaryObjectStatement.Action.CREATE_VIEW ? NameForm.FULLY_QUALIFIED : NameForm.AS_WRITTEN;
        GuardDecision body = checkQuery(connection, statement.body(), context, form);
        if (body instanceof GuardDecision.Allowed allowed) {
            return new GuardDecision.Allowed(statement.statementToRun(allowed.sqlToRun()), allowed.tablesRead(), statement.kind());
        }
        return body;
    }

    private GuardDecision checkQuery(Connection connection, String sql, GuardContext context, NameForm form) throws SQLException {
        CheckedTree checked = checkSingleStatement(connection, sql, context, form);
        if (!checked.rewritten()) {
            return new GuardDecision.Allowed(sql, checked.tablesRead(), StatementKind.QUERY);
        }
        String rewritten = parser.render(connection, checked.statement());
        CheckedTree again;
        try {
            again = checkSingleStatement(connection, rewritten, new ApprovedTables(context, checked.approved()), NameForm.AS_WRITTEN);
        } catch (StatementRefusal refusal) {
            throw new StatementRefusal("the gateway could not rewrite this query safely");
        }
        if (again.rewritten()) {
            throw new StatementRefusal("the gateway could not rewrite this query safely");
        }
        return new GuardDecision.Allowed(rewritten, checked.tablesRead(), StatementKind.QUERY);
    }

    /**
     * Parses {@code sql}, which must be exactly one query, and checks it.
     *
     * @throws StatementRefusal if it is refused or does not parse
     */
    private CheckedTree checkSingleStatement(Connection connection, String sql, GuardContext context, NameForm form) throws SQLException {
        Outcome outcome = parser.parse(connection, sql);
        if (outcome instanceof Failed failed) {
            throw refusalFor(failed, sql);
        }
        Parsed parsed = (Parsed) outcome;
        if (parsed.statements().isEmpty()) {
            throw new StatementRefusal("the statement is empty");
        }
        if (parsed.statements().size() > 1) {
            throw new StatementRefusal("only single queries are allowed: send one statement at a time");
        }
        return checker.check(parsed.statements().get(0), new SourceText(sql), context, form);
    }

    private static StatementRefusal refusalFor(Failed failed, String sql) {
        if (failed.isNotASelect()) {
            Optional<String> keyword = SqlTokenizer.firstKeyword(sql)
                    .filter(word -> !Set.of("SELECT", "WITH", "FROM", "VALUES", "TABLE").contains(word));
            return new StatementRefusal("only single queries are allowed"
                    + keyword.map(word -> ": " + word + " is not permitted").orElse(""));
        }
        String type = failed.errorType().isEmpty() ? "Parser" : Character.toUpperCase(failed.errorType().charAt(0)) + failed.errorType().substring(1);
        return StatementRefusal.syntaxError(type + " Error: " + failed.message());
    }
}
