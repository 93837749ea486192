package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.DeltaSchemas;
import dev.pondhouse.server.lake.delta.DeltaTableWriter;
import dev.pondhouse.server.lake.delta.DeltaWriteException;
import dev.pondhouse.server.lake.delta.TableData;
import dev.pondhouse.server.lake.maintenance.CompactionPlanner.PartitionPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the files of one bin of a {@link TableCompactor} run into one Parquet file, rows in order:
 * DuckDB scans the bin's files as one {@code read_parquet} list (in the order given) and
 * {@code COPY ... (FORMAT parquet)} writes the rows in scan order with {@code preserve_insertion_order}
 * on for the statement. The new file is written straight into the table's folder on a local store
 * (under its final name, flushed), else into the run's folder to be uploaded by the writer.
 *
 * <p>Also deletes rewritten files no commit refers to. Thread-safe (it keeps no state between calls);
 * a connection passed to it must not be shared. Constructing it does no I/O.
 */
final class BinRewriter {
    private static final Logger log = LoggerFactory.getLogger(BinRewriter.class);

    private final BlobStore store;
    private final String tableRoot;
    private final DataFileSource dataFiles;

    /**
     * @param store where the table lives
     * @param tableRoot the table's folder in the store
     * @param dataFiles how DuckDB reaches the table's files, and whether new files are written in place
     */
    BinRewriter(BlobStore store, String tableRoot, DataFileSource dataFiles) {
        this.store = requireNonNull(store, "store is null");
        this.tableRoot = requireNonNull(tableRoot, "tableRoot is null");
        this.dataFiles = requireNonNull(dataFiles, "dataFiles is null");
    }

    /**
     * Rewrites the files of one bin, in order, into one Parquet file: straight into the table's folder
     * on a local store, else into {@code folder} to be uploaded. Releases the bin's inputs once written
     * (unpins their cache copies), and on failure deletes the partial output.
     */
    TableData.StagedFile rewrite(Connection duckdb, Path folder, PartitionPlan partition, List<AddFile> bin,
            int index, List<String> partitionColumns) {
        String tablePath = DeltaTableWriter.newDataFilePath(partitionColumns, partition.partitionValues());
        Optional<Path> inPlace = dataFiles.inPlace(DataFilePaths.blobName(tableRoot, tablePath));
        Path output = inPlace.orElseGet(() -> folder.resolve("output-" + index + ".parquet"));
        TableData.StagedFile staged = new TableData.StagedFile(output, partition.partitionValues(),
                inPlace.map(file -> tablePath));
        List<DataFileSource.DataFile> inputs = bin.stream()
                .map(file -> new DataFileSource.DataFile(file.path(), DataFilePaths.blobName(tableRoot, file.path()),
                        file.size()))
                .toList();
        boolean written = false;
        try (DataFileSource.BinFiles local = dataFiles.read(tableRoot, inputs)) {
            String scan = "read_parquet([" + local.paths().stream().map(path -> SqlIdentifiers.literal(path.toString()))
                    .collect(Collectors.joining(", ")) + "], hive_partitioning = false)";
            String projection = DeltaSchemas.describe(duckdb, "SELECT * FROM " + scan).stream()
                    .map(column -> column.duckDbType().equalsIgnoreCase("TIMESTAMP")
                            // As the writer stages it: Delta timestamps are instants (see DataFileStager).
                            ? "(" + SqlIdentifiers.quote(column.name()) + " AT TIME ZONE 'UTC') AS "
                                    + SqlIdentifiers.quote(column.name())
                            : SqlIdentifiers.quote(column.name()))
                    .collect(Collectors.joining(", "));
            copyInOrder(duckdb, "COPY (SELECT " + projection + " FROM " + scan + ") TO "
                    + SqlIdentifiers.literal(output.toString()) + " (FORMAT parquet)");
            if (inPlace.isPresent()) {
                sync(output); // as an upload would; DuckDB's COPY normally leaves nothing to flush
            }
            written = true;
            return staged;
        } catch (SQLException e) {
            throw new DeltaWriteException(DeltaWriteException.Reason.FAILED, "cannot rewrite data files of Delta table "
                    + tableRoot + ": " + e.getMessage(), e);
        } finally {
            if (!written) {
                deleteOutputs(List.of(staged));
            }
        }
    }

    /** The columns of a rewritten file, as DuckDB reads it. */
    static List<DeltaSchemas.Column> columns(Connection duckdb, Path file) throws SQLException {
        return DeltaSchemas.describe(duckdb, "SELECT * FROM read_parquet(" + SqlIdentifiers.literal(file.toString())
                + ", hive_partitioning = false)");
    }

    /**
     * Deletes rewritten files no commit refers to: those written into the table's folder through the
     * store (a failure is logged and leaves an orphan for vacuum), the local ones directly.
     */
    void deleteOutputs(List<TableData.StagedFile> files) {
        for (TableData.StagedFile file : files) {
            if (file.tablePath().isEmpty()) {
                deleteQuietly(file.file());
                continue;
            }
            String name = DataFilePaths.blobName(tableRoot, file.tablePath().get());
            try {
                store.delete(name);
            } catch (RuntimeException e) {
                log.warn("{}: cannot delete the uncommitted rewritten file {}; it stays for vacuum", tableRoot, name, e);
            }
        }
    }

    /**
     * Runs a {@code COPY} of one scan with {@code preserve_insertion_order} on for this connection
     * (the jobs instance turns it off), so DuckDB writes the rows in scan order: files in list
     * order, rows in file order, while still reading with all its threads. Sets the connection's
     * previous value back.
     */
    private static void copyInOrder(Connection duckdb, String copy) throws SQLException {
        boolean preserving;
        try (Statement statement = duckdb.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_setting('preserve_insertion_order')")) {
            result.next();
            preserving = result.getBoolean(1);
        }
        if (preserving) {
            execute(duckdb, copy);
            return;
        }
        execute(duckdb, "SET SESSION preserve_insertion_order = true");
        try {
            execute(duckdb, copy);
        } catch (SQLException e) {
            try {
                execute(duckdb, "SET SESSION preserve_insertion_order = false");
            } catch (SQLException restoring) {
                e.addSuppressed(restoring);
            }
            throw e;
        }
        execute(duckdb, "SET SESSION preserve_insertion_order = false");
    }

    private static void execute(Connection duckdb, String sql) throws SQLException {
        try (Statement statement = duckdb.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void sync(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot flush " + file + " to disk", e);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete the local file {}", file, e);
        }
    }

    static void deleteFolder(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("cannot delete the local folder {}", folder, e);
        }
    }
}
