package dev.pondhouse.server.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writing into tables from outside: Flight SQL bulk ingest and folders of arriving files.
 *
 * @param tables per-table settings (partitioning of tables that ingest creates)
 * @param folders folders whose new files are appended to a table
 */
public record IngestSection(List<IngestTable> tables, List<IngestFolder> folders) {
    public IngestSection {
        tables = tables == null ? List.of() : List.copyOf(tables);
        folders = folders == null ? List.of() : List.copyOf(folders);
        Set<String> seen = new HashSet<>();
        for (IngestTable table : tables) {
            if (!seen.add(table.table().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("ingest.tables: table " + table.table() + " is listed twice");
            }
        }
        Set<String> targets = new HashSet<>();
        for (IngestFolder folder : folders) {
            if (!targets.add(folder.table().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("ingest.folders: table " + folder.table() + " is listed twice");
            }
        }
    }

    static IngestSection defaults() {
        return new IngestSection(null, null);
    }

    /** The partition columns configured for {@code schema.table}; empty when none are. */
    public List<String> partitionBy(String schema, String table) {
        return tables.stream().filter(entry -> entry.table().equalsIgnoreCase(schema + "." + table))
                .findFirst().map(IngestTable::partitionBy).orElse(List.of());
    }
}
