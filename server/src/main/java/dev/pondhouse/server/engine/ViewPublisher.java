package dev.pondhouse.server.engine;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.LakeCatalog;
import dev.pondhouse.server.lake.LakeTable;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves each lake table as a view {@code "<catalog>"."<schema>"."<table>"} over exactly the files
 * of its current snapshot. Replacing a view is one DuckDB catalog transaction: queries that started
 * before keep the files they bound to, new queries see the new snapshot.
 *
 * <p>Thread-safety: {@link #refresh()} is synchronized; publishing happens on the engine's admin
 * connection. {@link #servedTables()} reads a volatile snapshot and never waits for a refresh.
 */
public final class ViewPublisher {
    private static final Logger log = LoggerFactory.getLogger(ViewPublisher.class);

    private final QueryEngine engine;
    private final LakeCatalog catalog;

    // Guarded by this: qualified table name -> the files its view reads.
    private final Map<String, LakeTable> published = new HashMap<>();
    // The keys of published, as of the end of the last refresh; read without the lock.
    private volatile Set<String> served = Set.of();
    // What the last refresh could not serve (a table left out, or the whole lake unreadable).
    private volatile List<String> problems = List.of();
    // Moves on before the first and after the last view change of a refresh; see version().
    private final AtomicLong version = new AtomicLong();

    public ViewPublisher(QueryEngine engine, LakeCatalog catalog) {
        this.engine = requireNonNull(engine, "engine is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** Reads the lake and brings the views in line with it. Returns the number of views changed. */
    public synchronized int refresh() throws IOException, SQLException {
        LakeCatalog.Listing listing;
        try {
            listing = catalog.tables();
        } catch (IOException | RuntimeException e) {
            problems = List.of("the lake cannot be read: " + e.getMessage());
            throw e;
        }
        problems = listing.problems();
        for (String problem : listing.problems()) {
            log.warn("lake: {}", problem);
        }
        Map<String, LakeTable> current = listing.tables().stream()
                .collect(Collectors.toMap(LakeTable::qualifiedName, table -> table));
        int changed;
        try {
            changed = publish(current);
        } finally {
            served = Set.copyOf(published.keySet());
        }
        if (changed > 0) {
            log.info("lake: {} view(s) created, replaced or dropped; {} table(s) served", changed, published.size());
        }
        return changed;
    }

    private int publish(Map<String, LakeTable> current) throws SQLException {
        return engine.withAdminConnection(connection -> {
            int count = 0;
            try (Statement statement = connection.createStatement()) {
                Set<String> schemas = new HashSet<>();
                for (LakeTable table : current.values()) {
                    if (table.equals(published.get(table.qualifiedName()))) {
                        continue;
                    }
                    if (count == 0) {
                        version.incrementAndGet();
                    }
                    if (schemas.add(table.schema())) {
                        statement.execute("CREATE SCHEMA IF NOT EXISTS " + SqlIdentifiers.quote(engine.catalog()) + "."
                                + SqlIdentifiers.quote(table.schema()));
                    }
                    statement.execute(viewDefinition(table));
                    published.put(table.qualifiedName(), table);
                    count++;
                }
                for (LakeTable gone : Set.copyOf(published.values())) {
                    if (!current.containsKey(gone.qualifiedName())) {
                        if (count == 0) {
                            version.incrementAndGet();
                        }
                        statement.execute("DROP VIEW IF EXISTS " + viewName(gone));
                        published.remove(gone.qualifiedName());
                        count++;
                    }
                }
            } finally {
                if (count > 0) {
                    version.incrementAndGet();
                }
            }
            return count;
        });
    }

    /**
     * A number that is different after any view was created, replaced or dropped, and also while a
     * refresh is changing views: anything derived from the views (such as a result's columns) while
     * this number stayed the same still holds.
     */
    public long version() {
        return version.get();
    }

    /**
     * Qualified names of the tables currently served. Does not wait for a refresh in progress (which
     * may be downloading files): it answers with the tables as of the last one.
     */
    public Set<String> servedTables() {
        return served;
    }

    /**
     * Why tables were left out, or the lake could not be read, at the last refresh; tables in
     * trouble keep being served at their last good snapshot where the catalog has one.
     */
    public List<String> problems() {
        return problems;
    }

    private String viewName(LakeTable table) {
        return SqlIdentifiers.qualified(engine.catalog(), table.schema(), table.name());
    }

    private String viewDefinition(LakeTable table) {
        String files = table.files().stream()
                .map(Path::toString)
                .map(SqlIdentifiers::literal)
                .collect(Collectors.joining(", ", "[", "]"));
        String reader = table.format() == LakeTable.Format.CSV ? "read_csv" : "read_parquet";
        return "CREATE OR REPLACE VIEW " + viewName(table) + " AS SELECT * FROM " + reader + "(" + files
                + ", hive_partitioning = " + table.hivePartitioned() + ")";
    }
}
