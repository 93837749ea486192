package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.blob.BlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes a folder of Parquet files that nobody else can see yet (a staged table) into a Delta table:
 * version 0 with protocol, metadata (schema read from the first file) and one {@code add} per file
 * with exact statistics ({@link FileStatistics}). The caller publishes the folder afterwards, so the table
 * appears complete or not at all.
 */
public final class DeltaTableCreator {
    private final CommitFileFormat format;
    private final Clock clock;
    private final Path checkpointDirectory;

    /** @param checkpointDirectory where a checkpoint would be downloaded to be read (created when needed) */
    public DeltaTableCreator(CommitFileFormat format, Clock clock, Path checkpointDirectory) {
        this.format = requireNonNull(format, "format is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.checkpointDirectory = requireNonNull(checkpointDirectory, "checkpointDirectory is null");
    }

    /**
     * @param store the store holding the staged table
     * @param tableRoot the table folder in the store, ending with {@code /}
     * @param localTableFolder the same folder on local disk, to read the files' schema and row counts
     * @param files the data files, relative to the table folder, all with the same schema
     */
    public CommitResult create(BlobStore store, String tableRoot, Path localTableFolder, List<String> files)
            throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("a Delta table needs at least one data file here; " + tableRoot + " has none");
        }
        long now = clock.millis();
        List<Action> actions = new ArrayList<>();
        actions.add(CommitInfo.of(now, "CREATE TABLE AS SELECT", Map.of()));
        actions.add(Protocol.READER_1_WRITER_2);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            List<DeltaSchemas.Column> columns = columns(duckdb, localTableFolder.resolve(files.get(0)));
            actions.add(Metadata.newTable(DeltaSchemas.schemaString(columns), List.of(), now));
            for (String file : files) {
                Path local = localTableFolder.resolve(file);
                actions.add(new AddFile(file, Map.of(), Files.size(local), now, true,
                        Optional.of(FileStatistics.of(duckdb, local, columns)), Map.of()));
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the Parquet files of " + tableRoot + ": " + e.getMessage(), e);
        }
        DeltaLog log = new DeltaLog(store, tableRoot, format, new DuckDbCheckpointReader(store, checkpointDirectory, format));
        return log.commit(-1, actions);
    }

    private static List<DeltaSchemas.Column> columns(Connection duckdb, Path file) throws SQLException {
        List<DeltaSchemas.Column> columns = new ArrayList<>();
        try (Statement statement = duckdb.createStatement();
                ResultSet result = statement.executeQuery("DESCRIBE SELECT * FROM read_parquet("
                        + SqlIdentifiers.literal(file.toString()) + ")")) {
            while (result.next()) {
                columns.add(new DeltaSchemas.Column(result.getString("column_name"), result.getString("column_type")));
            }
        }
        return columns;
    }

}
