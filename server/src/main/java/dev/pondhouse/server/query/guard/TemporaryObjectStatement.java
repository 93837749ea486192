package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.query.guard.SqlTokenizer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The session-object statements the gateway accepts besides queries, recognized from their leading
 * tokens because {@code json_serialize_sql} only serializes SELECT:
 * <pre>
 *   CREATE [OR REPLACE] TEMP[ORARY] VIEW  [IF NOT EXISTS] name AS query
 *   CREATE [OR REPLACE] TEMP[ORARY] TABLE [IF NOT EXISTS] name AS query
 *   DROP VIEW|TABLE [IF EXISTS] name [;]
 * </pre>
 * where {@code name} is one identifier (simple or double-quoted), optionally written
 * {@code temp.name} or {@code temp.main.name}. No column list, no other options. The statement that
 * runs is never the client's text: {@link #statementToRun} builds it from the quoted name and the
 * checked query, always targeting {@code temp.main}, so nothing the guard did not check can ride along.
 *
 * @param body for CREATE, the text after {@code AS}; empty for DROP
 */
record TemporaryObjectStatement(Action action, String name, String nameAsWritten, boolean orReplace, boolean existenceClause, String body) {
    enum Action {
        CREATE_VIEW, CREATE_TABLE, DROP_VIEW, DROP_TABLE;

        boolean isCreate() {
            return this == CREATE_VIEW || this == CREATE_TABLE;
        }
    }

    private static final String CREATE_USAGE =
            "only temporary views and tables can be created: CREATE [OR REPLACE] TEMPORARY VIEW|TABLE name AS SELECT ...";
    private static final String DROP_USAGE = "only temporary views and tables of this session can be dropped: DROP VIEW|TABLE [IF EXISTS] name";

    TemporaryObjectStatement {
        requireNonNull(action, "action is null");
        requireNonNull(name, "name is null");
        requireNonNull(nameAsWritten, "nameAsWritten is null");
        requireNonNull(body, "body is null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name is empty");
        }
        if (action.isCreate() == body.isBlank()) {
            throw new IllegalArgumentException("a CREATE has a body, a DROP has none");
        }
    }

    /**
     * Reads {@code sql} if it is a CREATE or DROP statement.
     *
     * @return empty when the statement starts with neither keyword
     * @throws StatementRefusal for a CREATE or DROP of any other form
     */
    static Optional<TemporaryObjectStatement> parse(String sql) {
        SqlTokenizer tokens = new SqlTokenizer(sql);
        Optional<Token> first = tokens.next();
        if (first.isPresent() && first.get().isKeyword("CREATE")) {
            return Optional.of(parseCreate(sql, tokens));
        }
        if (first.isPresent() && first.get().isKeyword("DROP")) {
            return Optional.of(parseDrop(sql, tokens));
        }
        return Optional.empty();
    }

    private static TemporaryObjectStatement parseCreate(String sql, SqlTokenizer tokens) {
        Token token = expectAny(tokens, CREATE_USAGE);
        boolean orReplace = false;
        if (token.isKeyword("OR")) {
            expectKeyword(tokens, "REPLACE", CREATE_USAGE);
            orReplace = true;
            token = expectAny(tokens, CREATE_USAGE);
        }
        if (!token.isKeyword("TEMP") && !token.isKeyword("TEMPORARY")) {
            throw new StatementRefusal(CREATE_USAGE);
        }
        token = expectAny(tokens, CREATE_USAGE);
        Action action;
        if (token.isKeyword("VIEW")) {
            action = Action.CREATE_VIEW;
        } else if (token.isKeyword("TABLE")) {
            action = Action.CREATE_TABLE;
        } else {
            throw new StatementRefusal(CREATE_USAGE);
        }
        token = expectAny(tokens, CREATE_USAGE);
        boolean ifNotExists = false;
        if (token.isKeyword("IF")) {
            expectKeyword(tokens, "NOT", CREATE_USAGE);
            expectKeyword(tokens, "EXISTS", CREATE_USAGE);
            ifNotExists = true;
            token = expectAny(tokens, CREATE_USAGE);
        }
        if (orReplace && ifNotExists) {
            throw new StatementRefusal(CREATE_USAGE);
        }
        NameAndNext name = readName(sql, token, tokens, CREATE_USAGE);
        if (name.next().isEmpty() || !name.next().get().isKeyword("AS")) {
            throw new StatementRefusal(CREATE_USAGE);
        }
        String body = sql.substring(name.next().get().end());
        if (body.isBlank()) {
            throw new StatementRefusal(CREATE_USAGE);
        }
        return new TemporaryObjectStatement(action, name.name(), name.written(), orReplace, ifNotExists, body);
    }

    private static TemporaryObjectStatement parseDrop(String sql, SqlTokenizer tokens) {
        Token token = expectAny(tokens, DROP_USAGE);
        Action action;
        if (token.isKeyword("VIEW")) {
            action = Action.DROP_VIEW;
        } else if (token.isKeyword("TABLE")) {
            action = Action.DROP_TABLE;
        } else {
            throw new StatementRefusal(DROP_USAGE);
        }
        token = expectAny(tokens, DROP_USAGE);
        boolean ifExists = false;
        if (token.isKeyword("IF")) {
            expectKeyword(tokens, "EXISTS", DROP_USAGE);
            ifExists = true;
            token = expectAny(tokens, DROP_USAGE);
        }
        NameAndNext name = readName(sql, token, tokens, DROP_USAGE);
        Optional<Token> rest = name.next();
        if (rest.isPresent() && rest.get().isSymbol(';')) {
            rest = tokens.next();
        }
        if (rest.isPresent()) {
            throw new StatementRefusal(DROP_USAGE);
        }
        return new TemporaryObjectStatement(action, name.name(), name.written(), false, ifExists, "");
    }

    /** The statement to execute, with {@code checkedBody} (the checked, possibly rewritten query) for a CREATE. */
    String statementToRun(String checkedBody) {
        requireNonNull(checkedBody, "checkedBody is null");
        String target = "temp.main." + SqlIdentifiers.quote(name);
        return switch (action) {
            case CREATE_VIEW, CREATE_TABLE -> "CREATE " + (orReplace ? "OR REPLACE " : "") + "TEMPORARY "
                    + (action == Action.CREATE_VIEW ? "VIEW " : "TABLE ") + (existenceClause ? "IF NOT EXISTS " : "")
                    + target + " AS " + checkedBody.stripLeading();
            case DROP_VIEW, DROP_TABLE -> "DROP " + (action == Action.DROP_VIEW ? "VIEW " : "TABLE ")
                    + (existenceClause ? "IF EXISTS " : "") + target;
        };
    }

    StatementKind kind() {
        return switch (action) {
            case CREATE_VIEW -> StatementKind.CREATE_TEMPORARY_VIEW;
            case CREATE_TABLE -> StatementKind.CREATE_TEMPORARY_TABLE;
            case DROP_VIEW, DROP_TABLE -> StatementKind.DROP_TEMPORARY;
        };
    }

    /** A name read from the tokens, as written, and the token after it. */
    private record NameAndNext(String name, String written, Optional<Token> next) {}

    private static NameAndNext readName(String sql, Token first, SqlTokenizer tokens, String usage) {
        List<Token> parts = new ArrayList<>();
        Token part = first;
        Optional<Token> next;
        while (true) {
            if (!part.isIdentifier() || parts.size() == 3) {
                throw new StatementRefusal(usage);
            }
            parts.add(part);
            next = tokens.next();
            if (next.isEmpty() || !next.get().isSymbol('.')) {
                break;
            }
            part = tokens.next().orElseThrow(() -> new StatementRefusal(usage));
        }
        boolean temporaryQualifier = switch (parts.size()) {
            case 1 -> true;
            case 2 -> parts.get(0).value().equalsIgnoreCase("temp");
            default -> parts.get(0).value().equalsIgnoreCase("temp") && parts.get(1).value().equalsIgnoreCase("main");
        };
        if (!temporaryQualifier) {
            throw new StatementRefusal(usage);
        }
        Token last = parts.get(parts.size() - 1);
        return new NameAndNext(last.value(), sql.substring(parts.get(0).start(), last.end()), next);
    }

    private static Token expectAny(SqlTokenizer tokens, String usage) {
        return tokens.next().orElseThrow(() -> new StatementRefusal(usage));
    }

    private static void expectKeyword(SqlTokenizer tokens, String keyword, String usage) {
        if (!expectAny(tokens, usage).isKeyword(keyword)) {
            throw new StatementRefusal(usage);
        }
    }
}
