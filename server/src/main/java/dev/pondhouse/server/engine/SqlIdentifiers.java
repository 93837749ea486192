package dev.pondhouse.server.engine;

/** Quoting for identifiers and string literals that the server itself puts into DuckDB SQL. */
public final class SqlIdentifiers {
    private SqlIdentifiers() {}

    /** {@code name} as a double-quoted DuckDB identifier. */
    public static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code value} as a single-quoted DuckDB string literal. */
    public static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }

    /** {@code "catalog"."schema"."table"}. */
    public static String qualified(String catalog, String schema, String table) {
        return quote(catalog) + '.' + quote(schema) + '.' + quote(table);
    }
}
