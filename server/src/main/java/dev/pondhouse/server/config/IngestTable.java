package dev.pondhouse.server.config;

import static dev.pondhouse.server.config.ConfigChecks.requireTableName;

import java.util.List;

/**
 * @param table {@code schema.table}
 * @param partitionBy the partition columns a table created by ingest gets (existing tables keep theirs)
 */
public record IngestTable(String table, List<String> partitionBy) {
    public IngestTable {
        requireTableName("ingest.tables[].table", table);
        partitionBy = partitionBy == null ? List.of() : List.copyOf(partitionBy);
    }
}
