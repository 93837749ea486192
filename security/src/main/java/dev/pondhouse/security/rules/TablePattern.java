package dev.pondhouse.security.rules;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@code schema.table} pattern from a rule. Each part holds letters, digits, {@code _} and {@code *};
 * {@code *} matches any run of characters (also none) within its part, never across the dot. Matching
 * ignores case, as DuckDB identifiers do: {@code TPCH.Orders} matches {@code tpch.orders}.
 *
 * @param schema the schema part, as written
 * @param table the table part, as written
 * @param line the 1-based line it was written on
 */
public record TablePattern(String schema, String table, int line) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_*]+");

    public TablePattern {
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
        problem(schema, table).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        if (line < 1) {
            throw new IllegalArgumentException("line must be at least 1, was " + line);
        }
    }

    /** Reads {@code text}, a {@code schema.table} pattern, or says what is wrong with it. */
    static TablePattern parse(String text, int line) {
        int dot = text.indexOf('.');
        if (dot < 0 || text.indexOf('.', dot + 1) >= 0) {
            throw new IllegalArgumentException("table pattern '" + text
                    + "' must be schema.table with exactly one dot, like \"tpch.orders\", \"tpch.*\" or \"*.*\"");
        }
        return new TablePattern(text.substring(0, dot), text.substring(dot + 1), line);
    }

    private static Optional<String> problem(String schema, String table) {
        for (String part : new String[] {schema, table}) {
            if (!PART.matcher(part).matches()) {
                return Optional.of("table pattern '" + schema + "." + table + "': '" + part
                        + "' may hold only letters, digits, _ and *");
            }
        }
        return Optional.empty();
    }

    /** Whether the table {@code schema.table} matches, ignoring case. */
    public boolean matches(String schema, String table) {
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
        return partMatches(this.schema, schema) && partMatches(this.table, table);
    }

    /** {@code schema.table}, as written. */
    public String text() {
        return schema + "." + table;
    }

    /** Glob matching of one part; {@code *} is the only special character a part can hold. */
    private static boolean partMatches(String pattern, String name) {
        String lowerPattern = pattern.toLowerCase(Locale.ROOT);
        String lowerName = name.toLowerCase(Locale.ROOT);
        String[] pieces = lowerPattern.split("\\*", -1);
        if (pieces.length == 1) {
            return lowerName.equals(lowerPattern);
        }
        if (!lowerName.startsWith(pieces[0])) {
            return false;
        }
        int position = pieces[0].length();
        for (int index = 1; index < pieces.length - 1; index++) {
            int found = lowerName.indexOf(pieces[index], position);
            if (found < 0) {
                return false;
            }
            position = found + pieces[index].length();
        }
        String last = pieces[pieces.length - 1];
        return lowerName.length() - position >= last.length() && lowerName.endsWith(last);
    }
}
