package dev.pondhouse.server.query.access;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a grant takes away from one table for one user: rows outside the filter, hidden columns,
 * masked columns. Expressions are final SQL ({@code ${user}} already expanded). Column names are
 * kept lower case, as DuckDB compares identifiers case-insensitively.
 *
 * @param rowFilter a boolean SQL expression over the table's columns
 * @param hiddenColumns columns left out
 * @param masks column name to the expression that replaces its value
 */
record TableRestriction(Optional<String> rowFilter, Set<String> hiddenColumns, Map<String, String> masks) {
    TableRestriction {
        requireNonNull(rowFilter, "rowFilter is null");
        hiddenColumns = Set.copyOf(new TreeSet<>(hiddenColumns));
        masks = Map.copyOf(new TreeMap<>(masks));
        for (String column : hiddenColumns) {
            if (masks.containsKey(column)) {
                throw new IllegalArgumentException("column " + column + " is both hidden and masked");
            }
        }
    }

    /** No restriction: the table is read as it is. */
    boolean isNone() {
        return rowFilter.isEmpty() && hiddenColumns.isEmpty() && masks.isEmpty();
    }
}
