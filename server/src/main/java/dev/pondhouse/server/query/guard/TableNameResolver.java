package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;

/**
 * Resolves a table name that is not a CTE to the one object DuckDB 2.0 will bind it to, or refuses.
 *
 * <p>DuckDB's rules, verified on 2.0.0.1 with a session whose current database is {@code pondhouse}
 * and current schema {@code tpch} (search path {@code pondhouse.tpch}):
 * <ul>
 *   <li>{@code t}: the search order is {@code temp.main}, then {@code pondhouse.tpch}, then
 *       {@code pondhouse.main}, then {@code system.main} and {@code system.pg_catalog} (so an
 *       unqualified {@code duckdb_tables} or {@code pg_class} reaches the system views). A
 *       temporary object shadows a lake table of the same name. The catalog {@code memory} is not
 *       searched.
 *   <li>{@code a.t}: {@code a} is looked up as a schema in the searched catalogs and as a catalog. If
 *       both exist DuckDB refuses with "Ambiguous reference to catalog or schema". {@code main.t}
 *       finds {@code temp.main.t} first. {@code pondhouse.t} (the current database as catalog) means
 *       {@code pondhouse.tpch.t}: the current schema, not {@code main}. {@code information_schema.t}
 *       and {@code pg_catalog.t} are views in catalog {@code system}; {@code system.t} is
 *       {@code system.main.t}; {@code temp.t} is {@code temp.main.t} only.
 *   <li>{@code c.s.t}: exactly that; {@code temp} has only schema {@code main};
 *       {@code pondhouse.information_schema} does not exist (the views live in {@code system}).
 *   <li>All identifiers match case-insensitively ({@code "PONDHOUSE"."TPCH"."NATION"} works).
 * </ul>
 *
 * <p>The guard asks the {@link GuardContext} about exactly one candidate per name: the first one
 * DuckDB would try among the objects a user can reach. When that candidate does not exist the context
 * answers "denied" and the statement is refused, even where DuckDB would have fallen through to a
 * later candidate (an unqualified {@code duckdb_tables} is refused, {@code pondhouse.main.t} must be
 * written in full). This never lets DuckDB bind an object the guard did not approve. Where a later
 * candidate is wanted, the user qualifies the name.
 */
final class TableNameResolver {
    private static final String TEMPORARY_CATALOG = "temp";
    private static final String SYSTEM_CATALOG = "system";
    private static final String MAIN_SCHEMA = "main";

    /** Where a name leads. */
    sealed interface Resolution permits Temporary, Catalogued {}

    /** A temporary object of the session, {@code temp.main.<name>}. */
    record Temporary(String name) implements Resolution {
        Temporary {
            requireNonNull(name, "name is null");
        }
    }

    /** Any other table or view, to be checked with {@link GuardContext#tableAccess}. */
    record Catalogued(QualifiedTable table) implements Resolution {
        Catalogued {
            requireNonNull(table, "table is null");
        }
    }

    /**
     * @param path the name's parts as DuckDB parsed them, one to three
     * @param nameAsWritten the name as the user wrote it, for the refusal message
     */
    Resolution resolve(List<String> path, String nameAsWritten, GuardContext context) {
        String table = path.get(path.size() - 1);
        switch (path.size()) {
            case 1 -> {
                if (context.isTemporaryObject(table)) {
                    return new Temporary(table);
                }
                return new Catalogued(new QualifiedTable(context.defaultCatalog(), context.defaultSchema(), table));
            }
            case 2 -> {
                String qualifier = path.get(0);
                if (is(qualifier, TEMPORARY_CATALOG)) {
                    return temporaryOrRefuse(table, nameAsWritten, context);
                }
                if (is(qualifier, MAIN_SCHEMA) && context.isTemporaryObject(table)) {
                    return new Temporary(table);
                }
                if (is(qualifier, context.defaultCatalog())) {
                    return new Catalogued(new QualifiedTable(qualifier, context.defaultSchema(), table));
                }
                if (is(qualifier, SYSTEM_CATALOG)) {
                    return new Catalogued(new QualifiedTable(qualifier, MAIN_SCHEMA, table));
                }
                if (is(qualifier, "information_schema") || is(qualifier, "pg_catalog")) {
                    return new Catalogued(new QualifiedTable(SYSTEM_CATALOG, qualifier, table));
                }
                return new Catalogued(new QualifiedTable(context.defaultCatalog(), qualifier, table));
            }
            case 3 -> {
                String catalog = path.get(0);
                String schema = path.get(1);
                if (is(catalog, TEMPORARY_CATALOG)) {
                    if (!is(schema, MAIN_SCHEMA)) {
                        throw StatementRefusal.tableNotReadable(nameAsWritten);
                    }
                    return temporaryOrRefuse(table, nameAsWritten, context);
                }
                return new Catalogued(new QualifiedTable(catalog, schema, table));
            }
            default -> throw StatementRefusal.tableNotReadable(nameAsWritten);
        }
    }

    private static Resolution temporaryOrRefuse(String table, String nameAsWritten, GuardContext context) {
        if (!context.isTemporaryObject(table)) {
            throw StatementRefusal.tableNotReadable(nameAsWritten);
        }
        return new Temporary(table);
    }

    private static boolean is(String identifier, String name) {
        return identifier.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT));
    }
}
