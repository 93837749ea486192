package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code metaData} action: the table's identity, schema, partitioning and configuration. The
 * latest one in the log wins.
 *
 * @param id a unique id of the table (a UUID), never changed after creation
 * @param name the table's user-facing name, if set
 * @param description the table's description, if set
 * @param format how data files are encoded ({@code parquet})
 * @param schemaString the table schema as Delta's JSON struct type, kept as text
 * @param partitionColumns names of the partition columns, in order
 * @param configuration table properties such as {@code delta.appendOnly}
 * @param createdTime when the table was created, in milliseconds since the epoch, if known
 */
public record Metadata(
        String id,
        Optional<String> name,
        Optional<String> description,
        Format format,
        String schemaString,
        List<String> partitionColumns,
        Map<String, String> configuration,
        Optional<Long> createdTime) implements Action {
    public Metadata {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(format, "format is null");
        requireNonNull(schemaString, "schemaString is null");
        partitionColumns = List.copyOf(partitionColumns);
        configuration = Map.copyOf(configuration);
        requireNonNull(createdTime, "createdTime is null");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("metadata id is empty");
        }
    }

    /** The metadata of a new Parquet table with a fresh random id and no configuration. */
    public static Metadata newTable(String schemaString, List<String> partitionColumns, long createdTime) {
        return new Metadata(
                UUID.randomUUID().toString(),
                Optional.empty(),
                Optional.empty(),
                Format.PARQUET,
                schemaString,
                partitionColumns,
                Map.of(),
                Optional.of(createdTime));
    }

    /**
     * The encoding of the table's data files.
     *
     * @param provider the file format, {@code parquet} for every Delta table
     * @param options format options, usually none
     */
    public record Format(String provider, Map<String, String> options) {
        /** Parquet without options. */
        public static final Format PARQUET = new Format("parquet", Map.of());

        public Format {
            requireNonNull(provider, "provider is null");
            options = Map.copyOf(options);
        }
    }
}
