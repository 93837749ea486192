package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.PondhouseException;
import java.util.regex.Pattern;

/**
 * A table of the lake named the way users name it, {@code schema.table}, never a path. Both parts are
 * plain identifiers (letters, digits, underscore; not starting with a digit), as the lake's folder
 * names must be; the table lives in the folder {@code <lake root>/<schema>/<table>/}.
 */
public record LakeTableName(String schema, String table) implements Comparable<LakeTableName> {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** @throws PondhouseException a user error if a part is not a plain identifier */
    public LakeTableName {
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
        if (!IDENTIFIER.matcher(schema).matches() || !IDENTIFIER.matcher(table).matches()) {
            throw PondhouseException.userError("'" + schema + "." + table + "' is not a table name of the form schema.table"
                    + " (plain identifiers: letters, digits, underscore)");
        }
    }

    /**
     * Parses {@code schema.table}.
     *
     * @throws PondhouseException a user error naming the text, if it is not of that form
     */
    public static LakeTableName parse(String text) {
        requireNonNull(text, "text is null");
        int dot = text.indexOf('.');
        if (dot <= 0 || dot != text.lastIndexOf('.') || dot == text.length() - 1) {
            throw PondhouseException.userError("'" + text + "' is not a table name of the form schema.table"
                    + " (for example tpch.orders)");
        }
        return new LakeTableName(text.substring(0, dot), text.substring(dot + 1));
    }

    /** The table's folder in the lake's blob store, {@code <schema>/<table>/}. */
    public String folder() {
        return schema + "/" + table + "/";
    }

    @Override
    public int compareTo(LakeTableName other) {
        return toString().compareTo(other.toString());
    }

    /** {@code schema.table}. */
    @Override
    public String toString() {
        return schema + "." + table;
    }
}
