package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The CTE names visible at one point of a query, matched case-insensitively as DuckDB does
 * ({@code WITH B AS (...) SELECT * FROM b} reads the CTE). Immutable: entering a scope makes a new one.
 */
record CteScope(Set<String> names) {
    static final CteScope EMPTY = new CteScope(Set.of());

    CteScope {
        names = Set.copyOf(requireNonNull(names, "names is null"));
    }

    CteScope with(String name) {
        Set<String> more = new HashSet<>(names);
        more.add(name.toLowerCase(Locale.ROOT));
        return new CteScope(more);
    }

    boolean contains(String name) {
        return names.contains(name.toLowerCase(Locale.ROOT));
    }
}
