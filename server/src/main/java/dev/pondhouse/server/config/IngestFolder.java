package dev.pondhouse.server.config;

import static dev.pondhouse.server.config.ConfigChecks.requireTableName;
import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Locale;

/**
 * @param table {@code schema.table} the files are appended to
 * @param source the local folder the files arrive in (searched recursively)
 * @param format {@code parquet} or {@code csv}
 */
public record IngestFolder(String table, Path source, String format) {
    public IngestFolder {
        requireTableName("ingest.folders[].table", table);
        requireNonNull(source, "ingest.folders[].source is missing");
        format = format == null ? "parquet" : format.toLowerCase(Locale.ROOT);
        if (!format.equals("parquet") && !format.equals("csv")) {
            throw new IllegalArgumentException("ingest.folders[].format: '" + format + "' must be parquet or csv");
        }
    }
}
