package dev.pondhouse.server.query.metadata;

import java.util.Locale;
import java.util.Optional;

/**
 * The table types Pondhouse reports in {@code GetTables} and {@code GetTableTypes}.
 *
 * <ul>
 *   <li>{@link #TABLE}: every table or view of the served lake catalog. Lake tables are DuckDB views
 *       over Parquet files, but to BI tools they are tables: Power BI and Tableau treat views
 *       differently (or hide them), so they are reported as {@code TABLE}.
 *   <li>{@link #VIEW}: a temporary view of the current session.
 *   <li>{@link #LOCAL_TEMPORARY}: a temporary table of the current session.
 * </ul>
 */
public enum TableType {
    TABLE("TABLE"),
    VIEW("VIEW"),
    LOCAL_TEMPORARY("LOCAL TEMPORARY");

    private final String displayName;

    TableType(String displayName) {
        this.displayName = displayName;
    }

    /** The name as reported to clients, e.g. {@code LOCAL TEMPORARY}. */
    public String displayName() {
        return displayName;
    }

    /** Finds the type a client named in a {@code table_types} filter, ignoring case. */
    public static Optional<TableType> fromDisplayName(String name) {
        String wanted = name.trim().toUpperCase(Locale.ROOT);
        for (TableType type : values()) {
            if (type.displayName.equals(wanted)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
