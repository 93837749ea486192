package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pondhouse.server.query.guard.TableNameResolver.Catalogued;
import dev.pondhouse.server.query.guard.TableNameResolver.Resolution;
import dev.pondhouse.server.query.guard.TableNameResolver.Temporary;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Walks one statement tree from {@code json_serialize_sql} and decides whether it may run; rewrites
 * table references in place where the {@link GuardContext} redirects them.
 *
 * <p>The walk is generic, so it reaches every nested part: each JSON object is judged by its
 * {@code class} (an expression) or its {@code type} (a query node, a table reference, a result
 * modifier or an order item); any other object is a plain value (a literal, a name, a type) whose
 * members are walked in turn. Anything with a class or type not listed here is refused, so a
 * construct added by a later DuckDB version is refused until someone looks at it. In DuckDB 2.0:
 * <ul>
 *   <li>query nodes: {@code SELECT_NODE}, {@code SET_OPERATION_NODE}, {@code RECURSIVE_CTE_NODE}
 *       (only as the body of the CTE it names). A {@code WITH} list is the {@code cte_map} of the node
 *       it belongs to; materialized CTEs are not a node of their own. {@code COPY_QUERY_NODE},
 *       {@code INSERT_QUERY_NODE} and the other data-changing nodes (which DuckDB accepts inside a
 *       {@code WITH}) are refused;
 *   <li>table references: {@code BASE_TABLE} (also a file name in quotes, {@code FROM 'x.csv'}, which
 *       DuckDB turns into a file scan when it binds), {@code JOIN}, {@code SUBQUERY},
 *       {@code EXPRESSION_LIST} ({@code VALUES}), {@code EMPTY}, {@code PIVOT} (source, aggregates and
 *       pivot values are all walked), {@code TABLE_FUNCTION} (see {@link FunctionPolicy});
 *       {@code SHOW_REF} ({@code DESCRIBE}, {@code SHOW}, {@code SUMMARIZE}) is refused;
 *   <li>expressions: every DuckDB expression class except {@code DEFAULT}; subqueries, lambda bodies,
 *       window partitions and frames, {@code FILTER}, ordered aggregates, casts' type arguments are
 *       reached by the generic walk.
 * </ul>
 *
 * <p>CTE scoping, as verified on DuckDB 2.0: a CTE is visible to the CTEs after it in the same
 * {@code WITH} list and to its query, including subqueries at any depth, and nowhere else (not to
 * earlier CTEs, not outside the subquery that defines it). Its own body does not see it, even under
 * {@code WITH RECURSIVE}, except the recursive part (the right side) of a {@code UNION} that DuckDB
 * parsed as a recursive CTE; the anchor part reads the real table of that name. CTE names match
 * case-insensitively and only unqualified references ({@code main.x} never means a CTE). Where the
 * guard treats a name as a real table but DuckDB would read a CTE, the only cost is a needless access
 * check; the other way round cannot happen under these rules.
 *
 * <p>Not thread-safe: one instance of the inner walk per check; the checker itself is stateless.
 */
final class QueryTreeChecker {
    /** How table references are written in the checked statement. */
    enum NameForm {
        /** As the user wrote them, except where a reference is redirected. */
        AS_WRITTEN,
        /**
         * Every resolved reference written out as {@code catalog.schema.table}: for temporary view
         * bodies, which DuckDB binds again at every use with the session's current schema.
         */
        FULLY_QUALIFIED
    }

    /**
     * @param statement the statement tree, rewritten in place where needed
     * @param tablesRead the resolved, user-facing names of the tables read (see {@link GuardDecision.Allowed})
     * @param approved every table the (rewritten) statement now names and the context approved: the
     *     tables read as they are and the views read in their place
     * @param rewritten whether anything in the tree was changed
     */
    record CheckedTree(ObjectNode statement, Set<QualifiedTable> tablesRead, Set<QualifiedTable> approved, boolean rewritten) {
        CheckedTree {
            requireNonNull(statement, "statement is null");
            tablesRead = Set.copyOf(requireNonNull(tablesRead, "tablesRead is null"));
            approved = Set.copyOf(requireNonNull(approved, "approved is null"));
        }
    }

    private static final Set<String> QUERY_NODES = Set.of("SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE");
    private static final Set<String> TABLE_REFERENCES = Set.of(
            "BASE_TABLE", "TABLE_FUNCTION", "JOIN", "SUBQUERY", "EXPRESSION_LIST", "EMPTY", "PIVOT");
    private static final Set<String> PLAIN_TYPES = Set.of(
            "ORDER_MODIFIER", "LIMIT_MODIFIER", "LIMIT_PERCENT_MODIFIER", "DISTINCT_MODIFIER",
            "ASCENDING", "DESCENDING", "ORDER_DEFAULT");
    private static final Set<String> EXPRESSION_CLASSES = Set.of(
            "BETWEEN", "CASE", "CAST", "COLLATE", "COLUMN_REF", "COMPARISON", "CONJUNCTION", "CONSTANT",
            "FUNCTION", "LAMBDA", "LAMBDA_REF", "OPERATOR", "PARAMETER", "POSITIONAL_REFERENCE", "STAR",
            "SUBQUERY", "TYPE", "WINDOW");
    private static final Set<String> TABLE_FUNCTION_SCHEMAS = Set.of("", "main");
    private static final String FILE_NAME_CHARACTERS = "./\\:*?";

    private final FunctionPolicy functions;
    private final TableNameResolver resolver;

    QueryTreeChecker(FunctionPolicy functions, TableNameResolver resolver) {
        this.functions = requireNonNull(functions, "functions is null");
        this.resolver = requireNonNull(resolver, "resolver is null");
    }

    /**
     * Checks {@code statement} (one element of {@code json_serialize_sql}'s {@code statements}).
     *
     * @throws StatementRefusal at the first thing the guard refuses
     */
    CheckedTree check(ObjectNode statement, SourceText source, GuardContext context, NameForm form) {
        requireNonNull(statement, "statement is null");
        if (!statement.path("node").isObject()) {
            throw unsupported("a statement without a query");
        }
        Walk walk = new Walk(requireNonNull(source, "source is null"), requireNonNull(context, "context is null"),
                requireNonNull(form, "form is null"));
        walk.visitChildren(statement, CteScope.EMPTY, Set.of());
        return new CheckedTree(statement, walk.tablesRead, walk.approved, walk.rewritten);
    }

    private static StatementRefusal unsupported(String what) {
        return new StatementRefusal("this query uses something the gateway does not allow (" + what + ")");
    }

    /** The refusal for a node or reference type the walk does not accept. */
    private static StatementRefusal refusalFor(String type) {
        if (type.endsWith("_QUERY_NODE")) {
            String statement = type.substring(0, type.length() - "_QUERY_NODE".length()).replace('_', ' ');
            return new StatementRefusal("only single queries are allowed: " + statement + " is not permitted");
        }
        if (type.equals("SHOW_REF")) {
            return new StatementRefusal("DESCRIBE, SHOW and SUMMARIZE are not permitted");
        }
        return unsupported(type);
    }

    private final class Walk {
        private final SourceText source;
        private final GuardContext context;
        private final NameForm form;
        private final Set<QualifiedTable> tablesRead = new LinkedHashSet<>();
        private final Set<QualifiedTable> approved = new LinkedHashSet<>();
        private boolean rewritten;

        Walk(SourceText source, GuardContext context, NameForm form) {
            this.source = source;
            this.context = context;
            this.form = form;
        }

        void visit(JsonNode node, CteScope scope) {
            if (node.isArray()) {
                for (JsonNode element : node) {
                    visit(element, scope);
                }
            } else if (node.isObject()) {
                visitObject((ObjectNode) node, scope);
            }
        }

        void visitChildren(ObjectNode object, CteScope scope, Set<String> skipped) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!skipped.contains(field.getKey()) && field.getValue().isContainerNode()) {
                    visit(field.getValue(), scope);
                }
            }
        }

        private void visitObject(ObjectNode object, CteScope scope) {
            JsonNode expressionClass = object.get("class");
            if (expressionClass != null) {
                visitExpression(object, expressionClass, scope);
                return;
            }
            if (object.has("info_type")) {
                throw unsupported(object.get("info_type").asText("statement information"));
            }
            JsonNode type = object.get("type");
            if (type == null || !type.isTextual()) {
                visitChildren(object, scope, Set.of());
                return;
            }
            String typeName = type.asText();
            if (QUERY_NODES.contains(typeName)) {
                visitQueryNode(object, typeName, scope, Optional.empty());
            } else if (TABLE_REFERENCES.contains(typeName)) {
                visitTableReference(object, typeName, scope);
            } else if (PLAIN_TYPES.contains(typeName) || typeName.endsWith("_TYPE_INFO")) {
                visitChildren(object, scope, Set.of());
            } else {
                throw refusalFor(typeName);
            }
        }

        /**
         * @param cteName the CTE this node is the body of, if it is one; only such a node may be a
         *     recursive CTE, and only for that name
         */
        private void visitQueryNode(ObjectNode node, String type, CteScope scope, Optional<String> cteName) {
            CteScope inner = visitCteMap(node.get("cte_map"), scope);
            if (type.equals("RECURSIVE_CTE_NODE")) {
                String recursiveName = node.path("cte_name").asText("");
                if (cteName.isEmpty() || !cteName.get().equalsIgnoreCase(recursiveName)) {
                    throw unsupported("a recursive CTE outside its WITH clause");
                }
                visit(node.path("left"), inner);
                visit(node.path("right"), inner.with(recursiveName));
                visitChildren(node, inner, Set.of("cte_map", "left", "right"));
            } else {
                visitChildren(node, inner, Set.of("cte_map"));
            }
        }

        /** Checks each CTE body with the CTEs before it in scope; returns the scope of the node's query. */
        private CteScope visitCteMap(JsonNode cteMap, CteScope scope) {
            if (cteMap == null || cteMap.isNull()) {
                return scope;
            }
            JsonNode entries = cteMap.path("map");
            if (!entries.isArray()) {
                throw unsupported("a WITH clause of unknown shape");
            }
            CteScope current = scope;
            for (JsonNode entry : entries) {
                String name = entry.path("key").asText("");
                JsonNode definition = entry.path("value");
                JsonNode body = definition.path("query_node");
                if (name.isEmpty() || !definition.isObject() || !body.isObject()) {
                    throw unsupported("a WITH clause of unknown shape");
                }
                String bodyType = body.path("type").asText("");
                if (!QUERY_NODES.contains(bodyType)) {
                    throw refusalFor(bodyType);
                }
                visitQueryNode((ObjectNode) body, bodyType, current, Optional.of(name));
                visitChildren((ObjectNode) definition, current, Set.of("query_node"));
                current = current.with(name);
            }
            return current;
        }

        private void visitTableReference(ObjectNode reference, String type, CteScope scope) {
            switch (type) {
                case "BASE_TABLE" -> visitBaseTable(reference, scope);
                case "TABLE_FUNCTION" -> visitTableFunction(reference, scope);
                default -> visitChildren(reference, scope, Set.of());
            }
        }

        private void visitBaseTable(ObjectNode reference, CteScope scope) {
            JsonNode atClause = reference.get("at_clause");
            if (atClause != null && !atClause.isNull()) {
                throw new StatementRefusal("time travel (AT ...) is not permitted");
            }
            visitChildren(reference, scope, Set.of("qualified_name"));
            List<String> path = namePath(reference);
            String table = path.get(path.size() - 1);
            String written = source.nameAt(reference.path("query_location").asLong(-1), reference.path("query_location_length").asLong(0))
                    .orElse(String.join(".", path));
            if (source.stringLiteralAt(reference.path("query_location").asLong(-1)) || looksLikeFileName(path)) {
                throw new StatementRefusal("reading files is not permitted: " + written);
            }
            if (path.size() == 1 && scope.contains(table)) {
                return;
            }
            Resolution resolution = resolver.resolve(path, written, context);
            if (resolution instanceof Temporary temporary) {
                if (form == NameForm.FULLY_QUALIFIED) {
                    pointTo(reference, new QualifiedTable("temp", "main", temporary.name()), table);
                }
                return;
            }
            QualifiedTable resolved = ((Catalogued) resolution).table();
            TableAccess access = requireNonNull(context.tableAccess(resolved), "tableAccess returned null");
            if (access instanceof TableAccess.ReadThrough through) {
                tablesRead.add(resolved);
                approved.add(through.view());
                pointTo(reference, through.view(), table);
            } else if (access instanceof TableAccess.Read) {
                tablesRead.add(resolved);
                approved.add(resolved);
                if (form == NameForm.FULLY_QUALIFIED) {
                    pointTo(reference, resolved, table);
                }
            } else {
                throw StatementRefusal.tableNotReadable(written);
            }
        }

        private void visitTableFunction(ObjectNode reference, CteScope scope) {
            JsonNode function = reference.path("function");
            if (!function.isObject() || !function.path("class").asText("").equals("FUNCTION")) {
                throw unsupported("a table function of unknown shape");
            }
            String name = function.path("function_name").asText("");
            String catalog = function.path("catalog").asText("");
            String schema = function.path("schema").asText("");
            boolean builtIn = (catalog.isEmpty() || catalog.equalsIgnoreCase("system"))
                    && TABLE_FUNCTION_SCHEMAS.contains(schema.toLowerCase(Locale.ROOT));
            if (builtIn && functions.isAllowedTableFunction(name)) {
                visitChildren((ObjectNode) function, scope, Set.of());
                visitChildren(reference, scope, Set.of("function"));
                return;
            }
            JsonNode arguments = function.path("arguments");
            boolean plainCall = arguments.isArray() && arguments.isEmpty()
                    && reference.path("with_ordinality").asText("").equals("WITHOUT_ORDINALITY");
            Optional<QualifiedTable> replacement = builtIn && plainCall
                    ? requireNonNull(context.tableFunctionReplacement(name.toLowerCase(Locale.ROOT)), "tableFunctionReplacement returned null")
                    : Optional.empty();
            if (replacement.isEmpty()) {
                throw new StatementRefusal("table function " + name + " is not permitted");
            }
            visitChildren(reference, scope, Set.of("function"));
            reference.remove(List.of("function", "with_ordinality"));
            reference.put("type", "BASE_TABLE");
            reference.putNull("at_clause");
            tablesRead.add(replacement.get());
            approved.add(replacement.get());
            pointTo(reference, replacement.get(), name);
        }

        private void visitExpression(ObjectNode expression, JsonNode expressionClass, CteScope scope) {
            if (!expressionClass.isTextual() || !EXPRESSION_CLASSES.contains(expressionClass.asText())) {
                throw unsupported(expressionClass.asText("an expression of unknown class"));
            }
            JsonNode functionName = expression.get("function_name");
            if (functionName != null) {
                functions.refuseFunction(functionName.asText(""), expression.path("catalog").asText(""))
                        .ifPresent(reason -> {
                            throw new StatementRefusal(reason);
                        });
            }
            visitChildren(expression, scope, Set.of());
        }

        /** Makes {@code reference} a base table reference to {@code target}, keeping what the user's name was as its alias. */
        private void pointTo(ObjectNode reference, QualifiedTable target, String originalName) {
            reference.put("catalog_name", target.catalog());
            reference.put("schema_name", target.schema());
            reference.put("table_name", target.table());
            ArrayNode path = reference.putObject("qualified_name").putArray("path");
            path.add(target.catalog()).add(target.schema()).add(target.table());
            if (reference.path("alias").asText("").isEmpty()) {
                reference.put("alias", originalName);
            }
            if (!reference.has("column_name_alias")) {
                reference.putArray("column_name_alias");
            }
            rewritten = true;
        }
    }

    /**
     * The name of a base table reference, one to three parts. DuckDB 2.0 writes it twice
     * ({@code qualified_name.path} and {@code catalog_name}/{@code schema_name}/{@code table_name});
     * the two must agree.
     */
    private static List<String> namePath(ObjectNode reference) {
        String catalog = reference.path("catalog_name").asText("");
        String schema = reference.path("schema_name").asText("");
        String table = reference.path("table_name").asText("");
        if (table.isEmpty() || (!catalog.isEmpty() && schema.isEmpty())) {
            throw unsupported("a table name of unknown shape");
        }
        List<String> fromFields = new ArrayList<>(3);
        if (!catalog.isEmpty()) {
            fromFields.add(catalog);
        }
        if (!schema.isEmpty()) {
            fromFields.add(schema);
        }
        fromFields.add(table);
        JsonNode qualified = reference.path("qualified_name").path("path");
        if (qualified.isArray()) {
            List<String> fromPath = new ArrayList<>();
            qualified.forEach(part -> fromPath.add(part.asText("")));
            if (!fromPath.equals(fromFields)) {
                throw unsupported("a table name of unknown shape");
            }
        }
        return List.copyOf(fromFields);
    }

    /** DuckDB reads a file for a table name that is not in the catalog and looks like a path or a file name. */
    private static boolean looksLikeFileName(List<String> path) {
        return path.stream().anyMatch(part -> part.chars().anyMatch(c -> FILE_NAME_CHARACTERS.indexOf(c) >= 0));
    }
}
