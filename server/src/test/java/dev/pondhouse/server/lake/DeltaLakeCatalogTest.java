package dev.pondhouse.server.lake;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.config.EngineSection;
import dev.pondhouse.server.config.LakeSection;
import dev.pondhouse.server.engine.QueryEngine;
import dev.pondhouse.server.engine.ViewPublisher;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.Action;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.CommitInfo;
import dev.pondhouse.server.lake.delta.CommitResult;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import dev.pondhouse.server.lake.delta.Metadata;
import dev.pondhouse.server.lake.delta.Protocol;
import dev.pondhouse.server.lake.delta.RemoveFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delta tables in a local lake folder listed as their latest snapshots; unreadable tables reported, not fatal. */
class DeltaLakeCatalogTest {
    private static final String SCHEMA_STRING = "{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\","
            + "\"nullable\":true,\"metadata\":{}}]}";

    @TempDir
    Path lake;

    @TempDir
    Path temporary;

    private final CommitFileFormat format = new CommitFileFormat();
    private LocalBlobStore store;
    private DeltaLakeCatalog catalog;

    @BeforeEach
    void setUp() {
        store = new LocalBlobStore(lake);
        catalog = new DeltaLakeCatalog(lake, format, temporary);
    }

    @Test
    void listsExactlyTheActiveFilesOfTheLatestSnapshot() throws Exception {
        AddFile first = writeData("sales/orders", "part-1.parquet", "SELECT 1 AS id");
        AddFile second = writeData("sales/orders", "part-2.parquet", "SELECT 2 AS id");
        AddFile third = writeData("sales/orders", "part 3.parquet", "SELECT 3 AS id");
        writeData("sales/orders", "uncommitted.parquet", "SELECT 4 AS id");
        DeltaLog log = log("sales/orders");
        commit(log, -1, createTable(List.of()), first, second);
        commit(log, 0, commitInfo("WRITE"), third);
        commit(log, 1, commitInfo("DELETE"), RemoveFile.of(first, 2_000, true));

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.problems()).isEmpty();
        assertThat(listing.tables()).containsExactly(new LakeTable("sales", "orders", List.of(
                lake.resolve("sales/orders/part 3.parquet"),
                lake.resolve("sales/orders/part-2.parquet")), false));
    }

    @Test
    void aPartitionedTableIsHivePartitioned() throws Exception {
        AddFile day1 = writeData("sales/events", "day=2026-01-01/part-1.parquet", "SELECT 1 AS id",
                Map.of("day", Optional.of("2026-01-01")));
        AddFile day2 = writeData("sales/events", "day=2026-01-02/part-1.parquet", "SELECT 2 AS id",
                Map.of("day", Optional.of("2026-01-02")));
        commit(log("sales/events"), -1, createTable(List.of("day")), day1, day2);

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.problems()).isEmpty();
        assertThat(listing.tables()).containsExactly(new LakeTable("sales", "events", List.of(
                lake.resolve("sales/events/day=2026-01-01/part-1.parquet"),
                lake.resolve("sales/events/day=2026-01-02/part-1.parquet")), true));
    }

    @Test
    void aTableWithAGapInItsLogIsReportedWhileOthersStillList() throws Exception {
        AddFile broken = writeData("sales/broken", "part-1.parquet", "SELECT 1 AS id");
        DeltaLog brokenLog = log("sales/broken");
        commit(brokenLog, -1, createTable(List.of()), broken);
        writeCommitByHand("sales/broken", 2, "{\"commitInfo\":{\"timestamp\":1}}");
        AddFile good = writeData("sales/good", "part-1.parquet", "SELECT 1 AS id");
        commit(log("sales/good"), -1, createTable(List.of()), good);

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.tables()).extracting(LakeTable::qualifiedName).containsExactly("sales.good");
        assertThat(listing.problems()).singleElement().asString()
                .startsWith("Delta table sales.broken cannot be read:")
                .contains("missing version 1");
    }

    @Test
    void aTableNeedingReaderFeaturesIsReportedNamingTheFeature() throws Exception {
        writeData("sales/orders", "part-1.parquet", "SELECT 1 AS id");
        writeCommitByHand("sales/orders", 0, """
                {"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],\
                "writerFeatures":["deletionVectors"]}}
                {"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{}",\
                "partitionColumns":[],"configuration":{}}}
                {"add":{"path":"part-1.parquet","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}
                """);

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.tables()).isEmpty();
        assertThat(listing.problems()).singleElement().asString()
                .startsWith("Delta table sales.orders cannot be read:")
                .contains("deletionVectors");
    }

    @Test
    void aTableWithCorruptJsonIsReported() throws Exception {
        writeCommitByHand("sales/orders", 0, "{\"protocol\":");

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.tables()).isEmpty();
        assertThat(listing.problems()).singleElement().asString().startsWith("Delta table sales.orders cannot be read:");
    }

    @Test
    void foldersWithoutADeltaLogAreIgnored() throws Exception {
        writeParquet(lake.resolve("sales/plain/part-1.parquet"), "SELECT 1 AS id");
        writeParquet(lake.resolve("sales/_staging/part-1.parquet"), "SELECT 1 AS id");
        Files.createDirectories(lake.resolve("sales/.hidden/_delta_log"));
        AddFile file = writeData("sales/orders", "part-1.parquet", "SELECT 1 AS id");
        commit(log("sales/orders"), -1, createTable(List.of()), file);

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.problems()).isEmpty();
        assertThat(listing.tables()).extracting(LakeTable::qualifiedName).containsExactly("sales.orders");
    }

    @Test
    void aTableWithoutActiveFilesIsReported() throws Exception {
        AddFile file = writeData("sales/orders", "part-1.parquet", "SELECT 1 AS id");
        DeltaLog log = log("sales/orders");
        commit(log, -1, createTable(List.of()), file);
        commit(log, 0, commitInfo("DELETE"), RemoveFile.of(file, 2_000, true));
        commit(log("sales/created"), -1, createTable(List.of()));

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.tables()).isEmpty();
        assertThat(listing.problems()).containsExactly(
                "Delta table sales.created has no data files yet; not served",
                "Delta table sales.orders has no data files yet; not served");
    }

    @Test
    void anAddPathEscapingTheTableFolderIsReported() throws Exception {
        writeData("sales/other", "secret.parquet", "SELECT 1 AS id");
        commit(log("sales/orders"), -1, createTable(List.of()), addFile("../other/secret.parquet", Map.of()));

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.tables()).isEmpty();
        assertThat(listing.problems()).containsExactly("Delta table sales.orders cannot be read: data file"
                + " ../other/secret.parquet at version 0 is outside the table folder");
    }

    @Test
    void anAbsoluteAddPathIsReported() throws Exception {
        Path outside = temporary.resolve("outside.parquet");
        writeParquet(outside, "SELECT 1 AS id");
        commit(log("sales/orders"), -1, createTable(List.of()), addFile(outside.toString(), Map.of()));
        commit(log("sales/uri"), -1, createTable(List.of()), addFile("file://" + outside, Map.of()));

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.tables()).isEmpty();
        assertThat(listing.problems()).hasSize(2).allSatisfy(problem -> assertThat(problem).endsWith(
                " is absolute; only paths inside the table folder are supported"));
    }

    @Test
    void aMissingDataFileIsReported() throws Exception {
        commit(log("sales/orders"), -1, createTable(List.of()), addFile("vacuumed.parquet", Map.of()));

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.tables()).isEmpty();
        assertThat(listing.problems()).containsExactly(
                "Delta table sales.orders cannot be read: data file vacuumed.parquet at version 0 is missing");
    }

    @Test
    void aViewOverTheCatalogReadsOnlyTheActiveFiles() throws Exception {
        AddFile first = writeData("sales/orders", "part-1.parquet", "SELECT 1::BIGINT AS id");
        AddFile second = writeData("sales/orders", "part-2.parquet", "SELECT 2::BIGINT AS id");
        writeData("sales/orders", "uncommitted.parquet", "SELECT 4::BIGINT AS id");
        DeltaLog log = log("sales/orders");
        commit(log, -1, createTable(List.of()), first);
        commit(log, 0, commitInfo("WRITE"), second);
        AddFile third = writeData("sales/orders", "part-3.parquet", "SELECT 3::BIGINT AS id");
        commit(log, 1, commitInfo("OVERWRITE"), RemoveFile.of(first, 2_000, true), third);

        try (QueryEngine engine = new QueryEngine(new EngineSection(null, 2, Optional.empty(), null),
                new LakeSection(lake, "pondhouse", "sales", Duration.ZERO), temporary.resolve("spill"))) {
            engine.start();
            ViewPublisher publisher = new ViewPublisher(engine, catalog);

            assertThat(publisher.refresh()).isEqualTo(1);
            assertThat(query(engine, "SELECT id FROM orders ORDER BY id")).containsExactly(2L, 3L);
        }
    }

    private AddFile writeData(String table, String path, String query) throws SQLException, IOException {
        return writeData(table, path, query, Map.of());
    }

    private AddFile writeData(String table, String path, String query, Map<String, Optional<String>> partitionValues)
            throws SQLException, IOException {
        Path file = lake.resolve(table).resolve(path);
        writeParquet(file, query);
        return new AddFile(path, partitionValues, Files.size(file), 1_000, true, Optional.empty(), Map.of());
    }

    private static AddFile addFile(String path, Map<String, Optional<String>> partitionValues) {
        return new AddFile(path, partitionValues, 100, 1_000, true, Optional.empty(), Map.of());
    }

    private static void writeParquet(Path file, String query) throws SQLException, IOException {
        Files.createDirectories(file.getParent());
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("COPY (" + query + ") TO '" + file.toString().replace("'", "''") + "' (FORMAT parquet)");
        }
    }

    private DeltaLog log(String table) {
        return new DeltaLog(store, table + "/", format, new DuckDbCheckpointReader(store, temporary, format));
    }

    private static void commit(DeltaLog log, long expectedVersion, List<Action> first, Action... more) {
        List<Action> actions = new ArrayList<>(first);
        actions.addAll(List.of(more));
        assertThat(log.commit(expectedVersion, actions))
                .isEqualTo(new CommitResult(CommitResult.Outcome.COMMITTED, expectedVersion + 1));
    }

    private static void commit(DeltaLog log, long expectedVersion, CommitInfo commitInfo, Action... more) {
        commit(log, expectedVersion, List.<Action>of(commitInfo), more);
    }

    private static List<Action> createTable(List<String> partitionColumns) {
        return List.of(commitInfo("CREATE TABLE"), Protocol.READER_1_WRITER_2,
                Metadata.newTable(SCHEMA_STRING, partitionColumns, 1_000));
    }

    private static CommitInfo commitInfo(String operation) {
        return CommitInfo.of(1_000, operation, Map.of());
    }

    private void writeCommitByHand(String table, long version, String content) throws IOException {
        Path file = lake.resolve(table).resolve(DeltaLog.commitFileName(version));
        Files.createDirectories(file.getParent());
        Files.write(file, content.getBytes(UTF_8));
    }

    private static List<Object> query(QueryEngine engine, String sql) throws SQLException {
        try (DuckDBConnection connection = engine.openSessionConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            List<Object> values = new ArrayList<>();
            while (result.next()) {
                values.add(result.getObject(1));
            }
            return values;
        }
    }
}
