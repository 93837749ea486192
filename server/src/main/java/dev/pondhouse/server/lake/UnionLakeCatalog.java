package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several catalogs over one lake, listed together: for example the Delta tables of a folder and the
 * plain Parquet folders beside them. A table name that two catalogs both list is served from the
 * first and reported as a problem.
 */
public final class UnionLakeCatalog implements LakeCatalog {
    private final List<LakeCatalog> catalogs;

    public UnionLakeCatalog(List<LakeCatalog> catalogs) {
        this.catalogs = List.copyOf(requireNonNull(catalogs, "catalogs is null"));
        if (this.catalogs.isEmpty()) {
            throw new IllegalArgumentException("at least one catalog is needed");
        }
    }

    @Override
    public Listing tables() throws IOException {
        Map<String, LakeTable> tables = new HashMap<>();
        List<LakeTable> ordered = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (LakeCatalog catalog : catalogs) {
            Listing listing = catalog.tables();
            problems.addAll(listing.problems());
            for (LakeTable table : listing.tables()) {
                if (tables.putIfAbsent(table.qualifiedName(), table) == null) {
                    ordered.add(table);
                } else {
                    problems.add("table " + table.qualifiedName() + " is listed twice; serving the first");
                }
            }
        }
        return new Listing(ordered, problems);
    }
}
