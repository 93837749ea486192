package dev.pondhouse.server.testing;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.delta.Action;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.CommitInfo;
import dev.pondhouse.server.lake.delta.CommitResult;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import dev.pondhouse.server.lake.delta.Metadata;
import dev.pondhouse.server.lake.delta.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes Delta tables into any blob store for tests, as another engine would: Parquet made by
 * DuckDB, uploaded, then committed through {@link DeltaLog}. Tables have one {@code BIGINT} column
 * {@code id} (plus partition columns, if any).
 */
public final class BlobDeltaTables {
    public static final String ID_SCHEMA = "{\"type\":\"struct\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}";

    private final BlobStore store;
    private final Path scratch;
    private final CommitFileFormat format = new CommitFileFormat();

    public BlobDeltaTables(BlobStore store, Path scratch) {
        this.store = requireNonNull(store, "store is null");
        this.scratch = requireNonNull(scratch, "scratch is null");
    }

    public DeltaLog log(String tableRoot) {
        return new DeltaLog(store, tableRoot, format, new DuckDbCheckpointReader(store, scratch.resolve("checkpoints"), format));
    }

    /** Writes the result of {@code query} as the data file {@code path} of the table and returns its add action. */
    public AddFile upload(String tableRoot, String path, String query) throws IOException, SQLException {
        return upload(tableRoot, path, query, Map.of());
    }

    public AddFile upload(String tableRoot, String path, String query, Map<String, Optional<String>> partitionValues)
            throws IOException, SQLException {
        Path file = scratch.resolve("upload-" + UUID.randomUUID() + ".parquet");
        Files.createDirectories(scratch);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (" + query + ") TO " + SqlIdentifiers.literal(file.toString()) + " (FORMAT parquet)");
        }
        store.upload(tableRoot + path, file);
        long size = Files.size(file);
        Files.delete(file);
        return new AddFile(path, partitionValues, size, 1_000, true, Optional.empty(), Map.of());
    }

    /** Creates the table (version 0) with these files. */
    public void create(String tableRoot, List<String> partitionColumns, AddFile... files) {
        List<Action> actions = new ArrayList<>(List.of(CommitInfo.of(1_000, "CREATE TABLE", Map.of()),
                Protocol.READER_1_WRITER_2, Metadata.newTable(ID_SCHEMA, partitionColumns, 1_000)));
        actions.addAll(List.of(files));
        commit(tableRoot, -1, actions);
    }

    /** Commits {@code actions} (a commit info is added) as version {@code expectedVersion + 1}. */
    public void commit(String tableRoot, long expectedVersion, Action... actions) {
        List<Action> all = new ArrayList<>(List.of(CommitInfo.of(2_000, "WRITE", Map.of())));
        all.addAll(List.of(actions));
        commit(tableRoot, expectedVersion, all);
    }

    private void commit(String tableRoot, long expectedVersion, List<Action> actions) {
        assertThat(log(tableRoot).commit(expectedVersion, actions))
                .isEqualTo(new CommitResult(CommitResult.Outcome.COMMITTED, expectedVersion + 1));
    }
}
