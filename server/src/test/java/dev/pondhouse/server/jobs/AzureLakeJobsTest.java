package dev.pondhouse.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pondhouse.server.Main;
import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.blob.AzureBlobStore;
import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig;
import dev.pondhouse.server.lake.blob.AzuriteServer;
import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.ExecuteIngestOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The write side on a lake in an Azure container (Azurite), as an operator uses it: a server started
 * from a configuration file with {@code lake.store: azure} runs a pipeline that reads a container
 * source and writes tables in all four modes, takes Flight SQL bulk ingest and folder ingest,
 * compacts, vacuums and checkpoints through the admin API, and locks tables with Azure blob leases;
 * the command-line pipeline runs on the same lake. Everything is read back through the Flight SQL
 * JDBC driver and checked in the container.
 */
@ExtendWith(AzuriteServer.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureLakeJobsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "Basic " + Base64.getEncoder()
            .encodeToString((TestServer.ADMIN_USER + ":" + TestServer.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final Schema EVENTS = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true))));

    @TempDir
    static Path folder;

    private final HttpClient http = HttpClient.newHttpClient();
    private BlobStore lake;
    private BlobStore raw;
    private String rawContainer;
    private Path config;
    private TestServer server;
    private BufferAllocator allocator;

    @BeforeAll
    void start(AzuriteServer azurite) throws Exception {
        String lakeContainer = AzuriteServer.uniqueContainerName();
        rawContainer = AzuriteServer.uniqueContainerName();
        var service = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
        service.createBlobContainer(lakeContainer);
        service.createBlobContainer(rawContainer);
        lake = store(azurite, lakeContainer);
        raw = store(azurite, rawContainer);
        uploadParquet("tpch/orders/region=eu/part-0.parquet", "SELECT range AS id, 1.0::DOUBLE AS amount FROM range(10)");
        uploadParquet("tpch/orders/region=us/part-0.parquet",
                "SELECT 100 + range AS id, 2.0::DOUBLE AS amount FROM range(5)");
        raw.upload("tpch/orders/_SUCCESS", Files.writeString(folder.resolve("marker"), ""));
        uploadParquet("tpch/customers.parquet", "SELECT * FROM (VALUES (1, 'ann'), (2, 'bob')) t(customer_id, name)");
        uploadParquet("tpch/nations.parquet", "SELECT range AS nation_id FROM range(3)");

        Path pipelines = Files.createDirectories(folder.resolve("pipelines"));
        Files.writeString(pipelines.resolve("sales.yaml"), """
                sources:
                  - schema: raw
                    container: %s
                    prefix: tpch/
                steps:
                  - name: per-region
                    table: reports.per_region
                    mode: overwrite
                    sql: SELECT region, count(*) AS orders, sum(amount) AS amount FROM raw.orders GROUP BY region
                  - name: runs
                    table: reports.runs
                    mode: append
                    sql: SELECT count(*) AS orders FROM raw.orders
                  - name: by-region
                    table: reports.by_region
                    mode: replace-partitions
                    partition-by: [region]
                    sql: SELECT region, id, amount FROM raw.orders
                  - name: customers
                    table: reports.customers
                    mode: merge
                    keys: [customer_id]
                    sql: SELECT customer_id, name FROM raw.customers
                """.formatted(rawContainer));
        Files.writeString(pipelines.resolve("nightly.yaml"), """
                sources:
                  - schema: raw
                    container: %s
                    prefix: tpch/
                steps:
                  - name: total
                    table: nightly.total
                    mode: overwrite
                    sql: SELECT count(*) AS nations FROM raw.nations
                """.formatted(rawContainer));
        Path secret = Files.writeString(folder.resolve("connection-string"), azurite.connectionString());
        config = Files.writeString(folder.resolve("pondhouse.yaml"), """
                lake:
                  store: azure
                  default-schema: reports
                  refresh-interval: 200ms
                  azure:
                    container: %s
                    prefix: lake/
                    connection-string-file: %s
                cache:
                  directory: %s
                pipelines:
                  directory: %s
                  threads: 1
                ingest:
                  folders:
                    - table: landing.arrivals
                      source: %s
                """.formatted(lakeContainer, secret, folder.resolve("cache"), pipelines,
                Files.createDirectories(folder.resolve("incoming"))));
        server = TestServer.start(Optional.of(config), Map.of("lake.default-schema", "reports"));
        allocator = new RootAllocator();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.stop();
        }
        if (allocator != null) {
            allocator.close();
        }
    }

    @Test
    void aPipelineReadsAContainerSourceAndWritesEveryModeIntoTheAzureLake() throws Exception {
        JsonNode first = runJob("{\"job\": \"pipeline\", \"params\": {\"name\": \"sales\", \"run-id\": 1}}");
        assertThat(first.path("state").asText()).as(first.toString()).isEqualTo("SUCCEEDED");
        assertThat(rows("SELECT region, orders, amount FROM reports.per_region ORDER BY region"))
                .containsExactly("eu|10|10.0", "us|5|10.0");
        assertThat(rows("SELECT orders FROM reports.runs")).containsExactly("15");
        assertThat(rows("SELECT region, count(*) FROM reports.by_region GROUP BY region ORDER BY region"))
                .containsExactly("eu|10", "us|5");
        assertThat(rows("SELECT customer_id, name FROM reports.customers ORDER BY customer_id"))
                .containsExactly("1|ann", "2|bob");

        // The source's blobs are rewritten in place (new ETags): the next run reads the new versions.
        uploadParquet("tpch/orders/region=eu/part-0.parquet", "SELECT range AS id, 5.0::DOUBLE AS amount FROM range(3)");
        uploadParquet("tpch/customers.parquet", "SELECT * FROM (VALUES (2, 'bea'), (3, 'cid')) t(customer_id, name)");
        JsonNode second = runJob("{\"job\": \"pipeline\", \"params\": {\"name\": \"sales\", \"run-id\": 2}}");
        assertThat(second.path("state").asText()).as(second.toString()).isEqualTo("SUCCEEDED");

        assertThat(rows("SELECT region, orders, amount FROM reports.per_region ORDER BY region"))
                .containsExactly("eu|3|15.0", "us|5|10.0");
        assertThat(rows("SELECT orders FROM reports.runs ORDER BY orders")).containsExactly("8", "15");
        assertThat(rows("SELECT region, count(*), sum(amount) FROM reports.by_region GROUP BY region ORDER BY region"))
                .containsExactly("eu|3|15.0", "us|5|10.0");
        assertThat(rows("SELECT customer_id, name FROM reports.customers ORDER BY customer_id"))
                .containsExactly("1|ann", "2|bea", "3|cid");
        for (String table : List.of("per_region", "runs", "by_region", "customers")) {
            assertThat(lake.list("lake/reports/" + table + "/_delta_log/")).as(table + "'s log in the container").isNotEmpty();
        }
        assertThat(lake.list("lake/reports/by_region/region=eu/")).as("partition folders in the container").isNotEmpty();

        JsonNode details = get("/tables/reports/runs");
        assertThat(details.path("format").asText()).as(details.toString()).isEqualTo("delta");
        assertThat(details.path("version").asLong()).isEqualTo(1);
    }

    @Test
    void bulkIngestCompactionVacuumAndCheckpointWorkOnTheAzureLake() throws Exception {
        assertThat(ingest("events", 0, 3, TableExistsOption.TABLE_EXISTS_OPTION_FAIL)).isEqualTo(3);
        assertThat(ingest("events", 10, 2, TableExistsOption.TABLE_EXISTS_OPTION_APPEND)).isEqualTo(2);
        assertThat(rows("SELECT count(*), sum(id) FROM reports.events")).containsExactly("5|24");
        assertThat(dataFiles("lake/reports/events/")).hasSize(2);

        JsonNode compacted = runJob("{\"job\": \"compact\", \"table\": \"reports.events\"}");
        assertThat(compacted.path("state").asText()).as(compacted.toString()).isEqualTo("SUCCEEDED");
        assertThat(compacted.path("result").path("filesRemoved").asInt()).isEqualTo(2);
        assertThat(compacted.path("result").path("filesAdded").asInt()).isEqualTo(1);
        assertThat(rows("SELECT count(*), sum(id) FROM reports.events")).containsExactly("5|24");

        JsonNode dryRun = runJob("{\"job\": \"vacuum\", \"table\": \"reports.events\", "
                + "\"params\": {\"retention\": \"0s\", \"force\": true, \"dry-run\": true}}");
        assertThat(dryRun.path("state").asText()).as(dryRun.toString()).isEqualTo("SUCCEEDED");
        assertThat(dryRun.path("result").path("files")).hasSize(2);
        assertThat(dataFiles("lake/reports/events/")).as("a dry run deletes nothing").hasSize(3);
        JsonNode vacuumed = runJob("{\"job\": \"vacuum\", \"table\": \"reports.events\", "
                + "\"params\": {\"retention\": \"0s\", \"force\": true}}");
        assertThat(vacuumed.path("state").asText()).as(vacuumed.toString()).isEqualTo("SUCCEEDED");
        assertThat(dataFiles("lake/reports/events/")).as("only the compacted file is left in the container").hasSize(1);

        JsonNode checkpoint = runJob("{\"job\": \"checkpoint\", \"table\": \"reports.events\"}");
        assertThat(checkpoint.path("state").asText()).as(checkpoint.toString()).isEqualTo("SUCCEEDED");
        assertThat(lake.list("lake/reports/events/_delta_log/_last_checkpoint")).hasSize(1);
        assertThat(rows("SELECT count(*), sum(id) FROM reports.events")).containsExactly("5|24");
    }

    @Test
    void compactionReadsTheFilesTheCacheHoldsAndPutsItsNewFileThere() throws Exception {
        assertThat(ingest("cached", 0, 3, TableExistsOption.TABLE_EXISTS_OPTION_FAIL)).isEqualTo(3);
        assertThat(ingest("cached", 10, 2, TableExistsOption.TABLE_EXISTS_OPTION_APPEND)).isEqualTo(2);
        List<BlobEntry> written = dataFiles("lake/reports/cached/");
        assertThat(written).hasSize(2);
        assertThat(written).as("the ingest's writer put its files into the server's cache")
                .allSatisfy(entry -> assertThat(cachedCopy(entry.name())).isRegularFile());
        // Behind the lake's back: a compaction that downloaded a file instead of reading its cached copy fails.
        for (BlobEntry entry : written) {
            lake.delete(entry.name());
        }

        JsonNode compacted = runJob("{\"job\": \"compact\", \"table\": \"reports.cached\"}");

        assertThat(compacted.path("state").asText()).as(compacted.toString()).isEqualTo("SUCCEEDED");
        assertThat(compacted.path("result").path("filesRemoved").asInt()).isEqualTo(2);
        List<BlobEntry> after = dataFiles("lake/reports/cached/");
        assertThat(after).as("only the compacted file, uploaded").hasSize(1);
        assertThat(cachedCopy(after.get(0).name())).as("the compaction's writer put its new file into the cache")
                .isRegularFile().hasSize(after.get(0).size());
        assertThat(rows("SELECT count(*), sum(id) FROM reports.cached")).containsExactly("5|24");
    }

    @Test
    void aFolderIngestAppendsEachFileOnceToTheAzureLake() throws Exception {
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(6)) TO "
                    + SqlIdentifiers.literal(folder.resolve("incoming/a.parquet").toString()) + " (FORMAT parquet)");
        }

        JsonNode first = runJob("{\"job\": \"ingest-folder\", \"table\": \"landing.arrivals\"}");
        JsonNode again = runJob("{\"job\": \"ingest-folder\", \"table\": \"landing.arrivals\"}");

        assertThat(first.path("state").asText()).as(first.toString()).isEqualTo("SUCCEEDED");
        assertThat(first.path("result").path("filesAppended").asInt()).isEqualTo(1);
        assertThat(again.path("result").path("filesAppended").asInt()).isZero();
        assertThat(rows("SELECT count(*) FROM landing.arrivals")).containsExactly("6");
        assertThat(dataFiles("lake/landing/arrivals/")).hasSize(1);
    }

    @Test
    void aJobIsRefusedWhileAnotherServerLeasesTheTableInTheContainer() throws Exception {
        assertThat(ingest("locked", 0, 2, TableExistsOption.TABLE_EXISTS_OPTION_FAIL)).isEqualTo(2);
        BlobStore.Lease otherServer = lake.acquireLease("lake/reports/locked/_pondhouse_job.lock", Duration.ofSeconds(15))
                .orElseThrow();
        try {
            JsonNode refused = runJob("{\"job\": \"compact\", \"table\": \"reports.locked\"}");
            assertThat(refused.path("state").asText()).as(refused.toString()).isEqualTo("FAILED");
            assertThat(refused.path("error").path("code").asText()).isEqualTo("conflict");
        } finally {
            otherServer.release();
        }
        JsonNode compacted = runJob("{\"job\": \"compact\", \"table\": \"reports.locked\"}");
        assertThat(compacted.path("state").asText()).as(compacted.toString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void theCommandLinePipelineRunsOnTheAzureLakeAndTheServerServesItsTable() throws Exception {
        int exit = new CommandLine(new Main()).execute("pipeline", "run", "nightly", "--config", config.toString(),
                "--run-id", "7");

        assertThat(exit).isZero();
        assertThat(lake.list("lake/nightly/total/_delta_log/")).isNotEmpty();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> served = List.of();
        while (served.isEmpty() && System.nanoTime() < deadline) {
            try {
                served = rows("SELECT nations FROM nightly.total");
            } catch (java.sql.SQLException notServedYet) {
                Thread.sleep(100);
            }
        }
        assertThat(served).as("served after a lake refresh (polled for at most 20 s)").containsExactly("3");
        try (var leftovers = Files.list(folder.resolve("pondhouse-work"))) {
            assertThat(leftovers.map(path -> path.getFileName().toString())).as("the command's own cache is deleted")
                    .noneMatch(name -> name.startsWith("cli-cache-"));
        }
    }

    private long ingest(String table, long firstId, int count, TableExistsOption ifExists) throws Exception {
        try (FlightClient flight = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port())).build();
                FlightSqlClient sql = new FlightSqlClient(flight);
                VectorSchemaRoot root = VectorSchemaRoot.create(EVENTS, allocator)) {
            CallOption credentials = flight.authenticateBasicToken(TestServer.USER, TestServer.PASSWORD).orElseThrow();
            root.allocateNew();
            for (int row = 0; row < count; row++) {
                ((BigIntVector) root.getVector("id")).setSafe(row, firstId + row);
            }
            root.setRowCount(count);
            TableDefinitionOptions definition = TableDefinitionOptions.newBuilder()
                    .setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE).setIfExists(ifExists).build();
            return sql.executeIngest(root, new ExecuteIngestOptions(table, definition, null, "reports", Map.of()), credentials);
        }
    }

    /** Where the server's cache keeps its copy of a data file of the lake. */
    private static Path cachedCopy(String blobName) {
        return folder.resolve("cache").resolve(DeltaLake.CACHE_NAMESPACE).resolve(blobName);
    }

    private List<BlobEntry> dataFiles(String tableRoot) {
        return lake.list(tableRoot).stream().filter(entry -> entry.name().endsWith(".parquet"))
                .filter(entry -> !entry.name().contains("/_delta_log/")).toList();
    }

    private void uploadParquet(String name, String query) throws Exception {
        Path file = folder.resolve("upload-" + System.nanoTime() + ".parquet");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (" + query + ") TO " + SqlIdentifiers.literal(file.toString()) + " (FORMAT parquet)");
        }
        raw.upload(name, file);
    }

    private static BlobStore store(AzuriteServer azurite, String container) {
        return AzureBlobStore.fromConfig(new AzureBlobStoreConfig(container, Optional.empty(),
                new AzureBlobStoreConfig.Authentication.ConnectionString(azurite.connectionString()),
                AzureBlobStoreConfig.Retry.DEFAULT));
    }

    private List<String> rows(String sql) throws Exception {
        return server.rows(TestServer.USER, TestServer.PASSWORD, sql);
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + "/jobs"))
                .header("Authorization", ADMIN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort()
                + path)).header("Authorization", ADMIN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private JsonNode runJob(String body) throws Exception {
        HttpResponse<String> started = post(body);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = JSON.readTree(started.body()).path("id").asText();
        for (int attempt = 0; attempt < 600; attempt++) {
            JsonNode status = get("/jobs/" + id);
            String state = status.path("state").asText();
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
                return status;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " did not finish within 60 s");
    }
}
