package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.delta.DeltaWriteException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Turns {@link TableData} into Parquet files on local disk with everything an {@code add} action
 * needs: partition values, size and exact statistics ({@link FileStatistics}, the same computation
 * as for the tables the demo creates). A query is written by DuckDB with
 * {@code COPY ... (FORMAT parquet, PARTITION_BY (...), RETURN_STATS true)} into a fresh folder under
 * the staging directory; the partition values of each file come from {@code RETURN_STATS}'
 * {@code partition_keys}, not from DuckDB's folder names (the writer lays out its own, see
 * {@link PartitionPaths}).
 *
 * <p>Runs on the caller's DuckDB connection, so not thread-safe for one connection; the class itself
 * holds no state.
 */
final class DataFileStager {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path stagingDirectory;

    DataFileStager(Path stagingDirectory) {
        this.stagingDirectory = requireNonNull(stagingDirectory, "stagingDirectory is null");
    }

    /**
     * One staged file, ready to upload, or already in the table's folder at {@code tablePath}
     * ({@link TableData.StagedFile#tablePath()}).
     */
    record StagedDataFile(Path localFile, Map<String, Optional<String>> partitionValues, Optional<String> tablePath,
            long size, long rows, String stats) {
        StagedDataFile {
            requireNonNull(localFile, "localFile is null");
            partitionValues = Map.copyOf(partitionValues);
            requireNonNull(tablePath, "tablePath is null");
            requireNonNull(stats, "stats is null");
        }
    }

    /**
     * The staged files of one write.
     *
     * @param columns the data's columns, partition columns included, in order
     * @param files the non-empty files
     * @param ownFolder the folder this stager created for them, to delete once the write is settled
     */
    record StagedData(List<DeltaSchemas.Column> columns, List<StagedDataFile> files, Optional<Path> ownFolder) {
        StagedData {
            columns = List.copyOf(columns);
            files = List.copyOf(files);
            requireNonNull(ownFolder, "ownFolder is null");
        }

        long rows() {
            return files.stream().mapToLong(StagedDataFile::rows).sum();
        }
    }

    /**
     * Stages {@code data} for a table partitioned by {@code partitionColumns}.
     *
     * @throws DeltaWriteException {@code INVALID_INPUT} if the query fails, a column has no Delta type,
     *     or the partition columns do not fit the data; {@code FAILED} if local files cannot be written
     */
    StagedData stage(Connection duckdb, TableData data, List<String> partitionColumns) {
        try {
            if (data instanceof TableData.Query query) {
                return stageQuery(duckdb, query.sql(), partitionColumns);
            }
            return stageFiles(duckdb, (TableData.StagedFiles) data, partitionColumns);
        } catch (SQLException e) {
            throw new DeltaWriteException(Reason.INVALID_INPUT, e.getMessage(), e);
        } catch (IOException | UncheckedIOException e) {
            throw new DeltaWriteException(Reason.FAILED, "cannot stage the data files: " + e.getMessage(), e);
        }
    }

    private StagedData stageQuery(Connection duckdb, String sql, List<String> partitionColumns)
            throws SQLException, IOException {
        String body = sql.strip();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).strip();
        }
        body = timestampsAsUtc(body, DeltaSchemas.describe(duckdb, "SELECT * FROM (" + body + ")"));
        List<DeltaSchemas.Column> columns = DeltaSchemas.describe(duckdb, body);
        List<DeltaSchemas.Column> dataColumns = checkColumns(columns, partitionColumns);
        Files.createDirectories(stagingDirectory);
        Path folder = Files.createTempDirectory(stagingDirectory, "write-");
        String copy;
        if (partitionColumns.isEmpty()) {
            copy = "COPY (" + body + ") TO " + SqlIdentifiers.literal(folder.resolve("part-" + UUID.randomUUID() + ".parquet").toString())
                    + " (FORMAT parquet, RETURN_STATS true)";
        } else {
            copy = "COPY (" + body + ") TO " + SqlIdentifiers.literal(folder.toString()) + " (FORMAT parquet, PARTITION_BY ("
                    + partitionColumns.stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "))
                    + "), RETURN_STATS true, FILENAME_PATTERN 'part-{uuid}')";
        }
        List<StagedDataFile> files = new ArrayList<>();
        try (Statement statement = duckdb.createStatement(); ResultSet result = statement.executeQuery(copy)) {
            while (result.next()) {
                if (result.getLong("count") == 0) {
                    continue;
                }
                Map<String, Optional<String>> partitionValues = new LinkedHashMap<>();
                if (!partitionColumns.isEmpty()) {
                    Map<?, ?> keys = (Map<?, ?>) result.getObject("partition_keys");
                    for (String column : partitionColumns) {
                        Object value = keys.get(column);
                        partitionValues.put(column, PartitionPaths.normalize(Optional.ofNullable(value).map(Object::toString)));
                    }
                }
                files.add(new StagedDataFile(Path.of(result.getString("filename")), partitionValues, Optional.empty(), 0, 0,
                        ""));
            }
        }
        return new StagedData(columns, withStatistics(duckdb, files, dataColumns), Optional.of(folder));
    }

    private StagedData stageFiles(Connection duckdb, TableData.StagedFiles staged, List<String> partitionColumns)
            throws SQLException, IOException {
        if (staged.files().isEmpty()) {
            throw new DeltaWriteException(Reason.INVALID_INPUT, "no staged files were given");
        }
        List<DeltaSchemas.Column> columns;
        if (staged.columns().isPresent()) {
            columns = staged.columns().get();
        } else if (partitionColumns.isEmpty()) {
            columns = DeltaSchemas.describe(duckdb, parquetScan(staged.files().get(0).file()));
        } else {
            throw new DeltaWriteException(Reason.INVALID_INPUT, "staged files of a partitioned table need their columns"
                    + " declared: the files do not hold the partition columns " + partitionColumns);
        }
        List<DeltaSchemas.Column> dataColumns = checkColumns(columns, partitionColumns);
        for (DeltaSchemas.Column column : columns) {
            if (isLocalTimestamp(column)) {
                throw new DeltaWriteException(Reason.INVALID_INPUT, "staged column " + column.name() + " is a TIMESTAMP"
                        + " (local time); stage it as TIMESTAMP WITH TIME ZONE (for UTC: " + column.name()
                        + " AT TIME ZONE 'UTC'), the type Delta readers expect");
            }
        }
        List<StagedDataFile> files = new ArrayList<>();
        for (TableData.StagedFile file : staged.files()) {
            List<DeltaSchemas.Column> fileColumns = DeltaSchemas.describe(duckdb, parquetScan(file.file()));
            if (!fileColumns.equals(dataColumns)) {
                throw new DeltaWriteException(Reason.INVALID_INPUT, "staged file " + file.file() + " has the columns "
                        + fileColumns + " but the table's data files need " + dataColumns);
            }
            if (!file.partitionValues().keySet().equals(Set.copyOf(partitionColumns))) {
                throw new DeltaWriteException(Reason.INVALID_INPUT, "staged file " + file.file() + " has values for the"
                        + " partition columns " + file.partitionValues().keySet() + " but the table is partitioned by "
                        + partitionColumns);
            }
            files.add(new StagedDataFile(file.file(), PartitionPaths.normalize(file.partitionValues()), file.tablePath(), 0,
                    0, ""));
        }
        return new StagedData(columns, withStatistics(duckdb, files, dataColumns), Optional.empty());
    }

    /**
     * The query with the columns whose DuckDB type has no Delta type but a lossless one cast to it:
     * each {@code TIMESTAMP} column becomes the {@code TIMESTAMP WITH TIME ZONE} of the same
     * wall-clock time in UTC (Delta's {@code timestamp} is an instant, and Parquet readers such as
     * Spark refuse to read a local-time Parquet timestamp as one; independent of the connection's
     * time zone), and each {@code HUGEINT} (what DuckDB's {@code sum} of integers gives) becomes
     * {@code DECIMAL(38,0)}, which holds every value a sum reaches in practice (a larger one fails the
     * write with DuckDB's conversion error).
     */
    private static String timestampsAsUtc(String query, List<DeltaSchemas.Column> columns) {
        if (columns.stream().noneMatch(column -> isLocalTimestamp(column) || isHugeInt(column))) {
            return "SELECT * FROM (" + query + ")";
        }
        return columns.stream()
                .map(column -> {
                    String name = SqlIdentifiers.quote(column.name());
                    if (isLocalTimestamp(column)) {
                        return "(" + name + " AT TIME ZONE 'UTC') AS " + name;
                    }
                    return isHugeInt(column) ? "CAST(" + name + " AS DECIMAL(38,0)) AS " + name : name;
                })
                .collect(Collectors.joining(", ", "SELECT ", " FROM (" + query + ")"));
    }

    private static boolean isHugeInt(DeltaSchemas.Column column) {
        return column.duckDbType().strip().equalsIgnoreCase("HUGEINT");
    }

    private static boolean isLocalTimestamp(DeltaSchemas.Column column) {
        return column.duckDbType().strip().equalsIgnoreCase("TIMESTAMP");
    }

    /** The columns that go into the data files: all but the partition columns, which must exist and be partitionable. */
    private static List<DeltaSchemas.Column> checkColumns(List<DeltaSchemas.Column> columns, List<String> partitionColumns) {
        try {
            DeltaSchemas.schemaString(columns);
        } catch (IllegalArgumentException e) {
            throw new DeltaWriteException(Reason.INVALID_INPUT, e.getMessage(), e);
        }
        Set<String> names = new HashSet<>();
        for (DeltaSchemas.Column column : columns) {
            if (!names.add(column.name())) {
                throw new DeltaWriteException(Reason.INVALID_INPUT, "the data has two columns named " + column.name());
            }
        }
        for (String partitionColumn : partitionColumns) {
            DeltaSchemas.Column column = columns.stream().filter(candidate -> candidate.name().equals(partitionColumn))
                    .findFirst()
                    .orElseThrow(() -> new DeltaWriteException(Reason.INVALID_INPUT, "partition column " + partitionColumn
                            + " is not a column of the data; its columns are "
                            + columns.stream().map(DeltaSchemas.Column::name).toList()));
            try {
                PartitionPaths.requirePartitionable(column);
            } catch (IllegalArgumentException e) {
                throw new DeltaWriteException(Reason.INVALID_INPUT, e.getMessage(), e);
            }
        }
        List<DeltaSchemas.Column> dataColumns = columns.stream()
                .filter(column -> !partitionColumns.contains(column.name()))
                .toList();
        if (dataColumns.isEmpty()) {
            throw new DeltaWriteException(Reason.INVALID_INPUT, "every column is a partition column; a Delta table needs"
                    + " at least one column that is not");
        }
        return dataColumns;
    }

    private static List<StagedDataFile> withStatistics(Connection duckdb, List<StagedDataFile> files,
            List<DeltaSchemas.Column> dataColumns) throws SQLException, IOException {
        List<StagedDataFile> complete = new ArrayList<>();
        for (StagedDataFile file : files) {
            String stats = FileStatistics.of(duckdb, file.localFile(), dataColumns);
            complete.add(new StagedDataFile(file.localFile(), file.partitionValues(), file.tablePath(),
                    Files.size(file.localFile()), numRecords(stats), stats));
        }
        return complete;
    }

    private static long numRecords(String stats) {
        try {
            return JSON.readTree(stats).path("numRecords").asLong();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("file statistics are not JSON: " + stats, e);
        }
    }

    private static String parquetScan(Path file) {
        return "SELECT * FROM read_parquet(" + SqlIdentifiers.literal(file.toString()) + ", hive_partitioning = false)";
    }
}
