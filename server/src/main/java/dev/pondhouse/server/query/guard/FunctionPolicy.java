package dev.pondhouse.server.query.guard;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which functions a query may call.
 *
 * <h2>Table functions (in {@code FROM}): an allow list</h2>
 * Only functions that compute rows from their arguments alone: {@code range}, {@code generate_series},
 * {@code unnest}, {@code repeat}, {@code repeat_row} (a value repeated), {@code json_each} and
 * {@code json_tree} (the elements of a JSON value passed in). Everything else DuckDB 2.0 ships as a
 * table function reads files ({@code read_*}, {@code parquet_*}, {@code glob}, {@code sniff_csv},
 * {@code read_blob}, {@code read_text}), runs SQL given as text ({@code query}, {@code query_table},
 * {@code json_execute_serialized_sql}, the {@code histogram} table macros), reveals or changes the
 * engine ({@code duckdb_*}, {@code pragma_*}, {@code which_secret}, {@code checkpoint},
 * {@code enable_logging}, {@code *_external_resource}) or is a test generator. {@code generate_subscripts}
 * is a scalar macro in DuckDB 2.0, not a table function. Arguments of an allowed table function are
 * checked like any other expression.
 *
 * <h2>Scalar, aggregate and window functions: a deny list</h2>
 * Built from {@code duckdb_functions()} of DuckDB 2.0 (about 1,000 names; almost all compute a value
 * from their arguments). Denied are functions that reach outside the query's data:
 * <ul>
 *   <li>settings, variables and the environment: {@code current_setting}, {@code getvariable},
 *       {@code set_variable}, {@code getenv}, {@code in_search_path} (probes catalogs and schemas);
 *   <li>state changes: {@code nextval}, {@code currval}, {@code setval} (sequences), {@code setseed},
 *       {@code write_log}, {@code checkpoint}, {@code force_checkpoint};
 *   <li>dynamic SQL: {@code query}, {@code query_table}, {@code sql}, {@code json_execute_serialized_sql},
 *       {@code json_serialize_plan} (binds the SQL text it is given, so it resolves any table), and for
 *       good measure {@code json_serialize_sql}/{@code json_deserialize_sql};
 *   <li>built-in macros whose bodies read the catalog: {@code pg_get_viewdef} (view definitions hold
 *       file paths), {@code pg_get_constraintdef}, {@code format_type}, {@code get_block_size};
 *   <li>files, secrets and extensions, present or future: {@code read_blob}, {@code read_text},
 *       {@code glob}, {@code sniff_csv}, {@code file_exists}, {@code which_secret},
 *       {@code sql_auto_complete}, {@code install_extension}, {@code load_extension};
 *   <li>stalling a worker: {@code sleep_ms}, {@code pg_sleep}.
 * </ul>
 * Plus name patterns, so that functions added by later DuckDB versions or extensions in these
 * families are refused too: prefixes {@code duckdb_}, {@code pragma_}, {@code __} (internal),
 * {@code read_}, {@code write_}, {@code enable_}, {@code disable_}, {@code parquet_}, {@code file_},
 * {@code install_}, {@code load_}, {@code sqlite_}, {@code postgres_}, {@code mysql_},
 * {@code iceberg_}, {@code delta_}, {@code ducklake_}; anything containing {@code secret},
 * {@code variable}, {@code setting}, {@code checkpoint} or {@code extension}.
 *
 * <h2>Qualified calls</h2>
 * Built-in functions live in catalog {@code system} (schemas {@code main} and {@code pg_catalog});
 * no other catalog holds functions users could call (users cannot create macros). A call qualified
 * with any other catalog is refused. A schema alone is accepted because DuckDB also parses method
 * calls ({@code n_name.lower()}) as a schema-qualified call; the function's own name is checked
 * whatever the qualification.
 */
final class FunctionPolicy {
    private static final Set<String> TABLE_FUNCTIONS = Set.of(
            "range", "generate_series", "unnest", "repeat", "repeat_row", "json_each", "json_tree");

    private static final Set<String> DENIED_FUNCTIONS = Set.of(
            "current_setting", "getvariable", "set_variable", "getenv", "in_search_path",
            "nextval", "currval", "setval", "setseed", "write_log", "checkpoint", "force_checkpoint",
            "query", "query_table", "sql", "json_execute_serialized_sql", "json_serialize_plan",
            "json_serialize_sql", "json_deserialize_sql",
            "pg_get_viewdef", "pg_get_constraintdef", "format_type", "get_block_size",
            "read_blob", "read_text", "glob", "sniff_csv", "file_exists", "which_secret",
            "sql_auto_complete", "install_extension", "load_extension",
            "sleep_ms", "pg_sleep");

    private static final List<String> DENIED_PREFIXES = List.of(
            "duckdb_", "pragma_", "__", "read_", "write_", "enable_", "disable_", "parquet_", "file_",
            "install_", "load_", "sqlite_", "postgres_", "mysql_", "iceberg_", "delta_", "ducklake_");

    private static final List<String> DENIED_FRAGMENTS = List.of("secret", "variable", "setting", "checkpoint", "extension");

    private static final Set<String> FUNCTION_CATALOGS = Set.of("", "system");

    /** Why a scalar, aggregate or window function call is refused, or empty when it is fine. */
    Optional<String> refuseFunction(String name, String catalog) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!FUNCTION_CATALOGS.contains(catalog.toLowerCase(Locale.ROOT)) || isDenied(lower)) {
            return Optional.of("function " + name + " is not permitted");
        }
        return Optional.empty();
    }

    /** Whether {@code name} (any case) is a table function on the allow list. */
    boolean isAllowedTableFunction(String name) {
        return TABLE_FUNCTIONS.contains(name.toLowerCase(Locale.ROOT));
    }

    private static boolean isDenied(String lower) {
        return DENIED_FUNCTIONS.contains(lower)
                || DENIED_PREFIXES.stream().anyMatch(lower::startsWith)
                || DENIED_FRAGMENTS.stream().anyMatch(lower::contains);
    }
}
