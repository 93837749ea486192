package dev.pondhouse.server.query.access;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.query.access.PolicyViews.ViewName;
import dev.pondhouse.server.query.guard.QualifiedTable;
import dev.pondhouse.server.query.guard.TableAccess;
import dev.pondhouse.server.query.metadata.TableVisibility;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one user may read, compiled from the rules at one generation: the lake tables they see, how
 * each is read (as is, or through the view that applies their row filter and masks), the columns
 * hidden from them, and the filtered listing views that replace {@code information_schema} and the
 * {@code duckdb_*()} listings.
 *
 * <p>Immutable and thread-safe. Names are matched case-insensitively, as DuckDB does.
 */
public final class UserAccess implements TableVisibility {
    private final String user;
    private final Optional<Set<String>> roles;
    private final String accessKey;
    private final long generation;
    private final String lakeCatalog;
    // Lower-case "schema.table" -> how it is read (absent: not visible).
    private final Map<String, Optional<ViewName>> tables;
    // Lower-case "schema.table.column".
    private final Set<String> hiddenColumns;
    private final Map<String, ViewName> listings;

    UserAccess(String user, Optional<Set<String>> roles, String accessKey, long generation, String lakeCatalog, Map<String, Optional<ViewName>> tables,
            Set<String> hiddenColumns, Map<String, ViewName> listings) {
        this.user = requireNonNull(user, "user is null");
        this.roles = requireNonNull(roles, "roles is null").map(Set::copyOf);
        this.accessKey = requireNonNull(accessKey, "accessKey is null");
        this.generation = generation;
        this.lakeCatalog = requireNonNull(lakeCatalog, "lakeCatalog is null");
        this.tables = Map.copyOf(tables);
        this.hiddenColumns = Set.copyOf(hiddenColumns);
        this.listings = Map.copyOf(listings);
    }

    public String user() {
        return user;
    }

    /** The roles this was compiled for; empty when the user no longer exists. */
    public Optional<Set<String>> roles() {
        return roles;
    }

    /**
     * The user's roles and the rules that apply to them, as one comparable key: it changes exactly
     * when a change of the users file or the rule file may change what the user may read.
     */
    public String accessKey() {
        return accessKey;
    }

    /** Which compilation of the rules this is; a newer one replaces it when the rules or the lake change. */
    public long generation() {
        return generation;
    }

    /** Lower-case {@code schema.table} names the user may read. */
    public Set<String> readableTables() {
        return tables.keySet();
    }

    /** How a statement may read a resolved, non-temporary table: as is, through a view, or not at all. */
    public TableAccess tableAccess(QualifiedTable table) {
        String catalog = table.catalog().toLowerCase(Locale.ROOT);
        String schema = table.schema().toLowerCase(Locale.ROOT);
        String name = table.table().toLowerCase(Locale.ROOT);
        if (catalog.equals("temp")) {
            return TableAccess.READ;
        }
        if (schema.equals("information_schema")) {
            ViewName listing = listings.get(name);
            return listing == null ? TableAccess.DENIED : TableAccess.readThrough(qualified(listing));
        }
        if (!catalog.equals(lakeCatalog.toLowerCase(Locale.ROOT))) {
            return TableAccess.DENIED;
        }
        Optional<ViewName> access = tables.get(schema + "." + name);
        if (access == null) {
            return TableAccess.DENIED;
        }
        return access.isEmpty() ? TableAccess.READ : TableAccess.readThrough(qualified(access.get()));
    }

    /** The filtered listing view that replaces a {@code duckdb_*()} listing called without arguments. */
    public Optional<QualifiedTable> tableFunctionReplacement(String function) {
        String name = function.toLowerCase(Locale.ROOT);
        if (!PolicyViews.FUNCTION_LISTINGS.containsKey(name)) {
            return Optional.empty();
        }
        return Optional.ofNullable(listings.get(name)).map(UserAccess::qualified);
    }

    @Override
    public boolean isVisible(String catalog, String schema, String table) {
        if (catalog.equalsIgnoreCase("temp")) {
            return true;
        }
        return catalog.equalsIgnoreCase(lakeCatalog)
                && tables.containsKey(schema.toLowerCase(Locale.ROOT) + "." + table.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean isColumnVisible(String catalog, String schema, String table, String column) {
        return isVisible(catalog, schema, table) && !(catalog.equalsIgnoreCase(lakeCatalog) && hiddenColumns.contains(
                (schema + "." + table + "." + column).toLowerCase(Locale.ROOT)));
    }

    private static QualifiedTable qualified(ViewName view) {
        return new QualifiedTable(view.catalog(), view.schema(), view.name());
    }
}
