package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.Action;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CommitInfo;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.CommitResult;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import dev.pondhouse.server.lake.delta.Metadata;
import dev.pondhouse.server.lake.delta.Protocol;
import dev.pondhouse.server.lake.delta.RemoveFile;
import dev.pondhouse.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lake with a Delta table beside a plain Parquet folder, served and queried through the JDBC driver. */
class DeltaServingTest {
    private static final String SCHEMA_STRING = "{\"type\":\"struct\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}";

    @TempDir
    Path lake;

    private AddFile write(String table, String path, String query) throws Exception {
        Path file = lake.resolve(table).resolve(path);
        Files.createDirectories(file.getParent());
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (" + query + ") TO " + SqlIdentifiers.literal(file.toString()) + " (FORMAT parquet)");
        }
        return new AddFile(path, Map.of(), Files.size(file), 1_000, true, Optional.empty(), Map.of());
    }

    private static void commit(DeltaLog log, long expectedVersion, Action... actions) {
        assertThat(log.commit(expectedVersion, new ArrayList<>(List.of(actions))))
                .isEqualTo(new CommitResult(CommitResult.Outcome.COMMITTED, expectedVersion + 1));
    }

    @Test
    void aCommitMadeElsewhereBecomesVisibleAtTheNextRefresh() throws Exception {
        CommitFileFormat format = new CommitFileFormat();
        LocalBlobStore store = new LocalBlobStore(lake);
        DeltaLog orders = new DeltaLog(store, "sales/orders/", format,
                new DuckDbCheckpointReader(store, lake.resolve("_checkpoints"), format));
        commit(orders, -1, CommitInfo.of(1_000, "CREATE TABLE", Map.of()), Protocol.READER_1_WRITER_2,
                Metadata.newTable(SCHEMA_STRING, List.of(), 1_000), write("sales/orders", "part-1.parquet", "SELECT 1::BIGINT AS id"));

        TestServer server = TestServer.start(Map.of("lake.root", lake.toString(), "lake.default-schema", "sales",
                "lake.refresh-interval", "200ms"));
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            assertThat(count(statement)).isEqualTo(1);

            AddFile appended = write("sales/orders", "part-2.parquet", "SELECT 2::BIGINT AS id FROM range(4)");
            commit(orders, 0, CommitInfo.of(2_000, "WRITE", Map.of()), appended);
            long committed = System.nanoTime();

            long seen = count(statement);
            while (seen == 1 && System.nanoTime() - committed < 10_000_000_000L) {
                Thread.sleep(50);
                seen = count(statement);
            }
            assertThat(seen).as("rows after the commit, polled for at most 10 s").isEqualTo(5);
        } finally {
            server.stop();
        }
    }

    private static long count(Statement statement) throws Exception {
        try (ResultSet result = statement.executeQuery("SELECT count(*) FROM orders")) {
            result.next();
            return result.getLong(1);
        }
    }

    @Test
    void servesTheLatestSnapshotOfDeltaTablesAndPlainFoldersTogether() throws Exception {
        CommitFileFormat format = new CommitFileFormat();
        LocalBlobStore store = new LocalBlobStore(lake);
        DeltaLog orders = new DeltaLog(store, "sales/orders/", format,
                new DuckDbCheckpointReader(store, lake.resolve("_checkpoints"), format));
        AddFile first = write("sales/orders", "part-1.parquet", "SELECT 1::BIGINT AS id");
        AddFile second = write("sales/orders", "part-2.parquet", "SELECT 2::BIGINT AS id");
        write("sales/orders", "part-orphan.parquet", "SELECT 99::BIGINT AS id");
        commit(orders, -1, CommitInfo.of(1_000, "CREATE TABLE", Map.of()), Protocol.READER_1_WRITER_2,
                Metadata.newTable(SCHEMA_STRING, List.of(), 1_000), first, second);
        AddFile third = write("sales/orders", "part-3.parquet", "SELECT 3::BIGINT AS id");
        commit(orders, 0, CommitInfo.of(2_000, "DELETE", Map.of()), RemoveFile.of(first, 2_000, true), third);
        write("sales/plain", "data.parquet", "SELECT 7::BIGINT AS id");

        TestServer server = TestServer.start(Map.of("lake.root", lake.toString(), "lake.default-schema", "sales"));
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            try (ResultSet result = statement.executeQuery("SELECT list(id ORDER BY id)::VARCHAR FROM orders")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getString(1)).as("removed and uncommitted files are not served").isEqualTo("[2, 3]");
            }
            try (ResultSet result = statement.executeQuery("SELECT id FROM plain")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getLong(1)).isEqualTo(7);
            }
        } finally {
            server.stop();
        }
    }
}
