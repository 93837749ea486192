package dev.pondhouse.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write jobs as an operator starts them: through the admin API of a running server, on a lake of
 * its own. A pipeline commits its tables and they are served right after; a failing step fails the
 * job naming the step while the steps before it stay; a folder ingest appends each file once.
 */
class WriteJobsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "Basic " + Base64.getEncoder()
            .encodeToString((TestServer.ADMIN_USER + ":" + TestServer.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));

    @TempDir
    static Path folder;
    private static TestServer server;
    private static Path kept;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path lake = Files.createDirectories(folder.resolve("lake"));
        Path incoming = Files.createDirectories(folder.resolve("incoming"));
        kept = Files.createDirectories(folder.resolve("kept"));
        Path pipelines = Files.createDirectories(folder.resolve("pipelines"));
        Files.createDirectories(lake.resolve("raw/sales"));
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id, range % 3 AS store, (range * 1.5)::DECIMAL(10,2) AS amount "
                    + "FROM range(300)) TO '" + lake.resolve("raw/sales/part-0.parquet") + "' (FORMAT parquet)");
            statement.execute("COPY (SELECT range AS id FROM range(10)) TO '" + incoming.resolve("a.parquet") + "' (FORMAT parquet)");
        }
        Files.writeString(pipelines.resolve("sales.yaml"), """
                steps:
                  - name: per-store
                    table: reports.per_store
                    mode: overwrite
                    sql: SELECT store, count(*) AS sales, sum(amount) AS amount FROM raw.sales GROUP BY store
                  - name: broken
                    table: reports.broken
                    mode: overwrite
                    after: [per-store]
                    sql: SELECT no_such_column FROM raw.sales
                """);
        Path config = folder.resolve("pondhouse.yaml");
        Files.writeString(config, """
                ingest:
                  folders:
                    - table: landing.events
                      source: %s
                    - table: landing.kept
                      source: %s
                """.formatted(incoming, kept));
        server = TestServer.start(Optional.of(config), Map.of("lake.root", lake.toString(), "lake.default-schema", "raw",
                "pipelines.directory", pipelines.toString()), Map.of());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aPipelineCommitsItsStepsUntilOneFailsAndNamesIt() throws Exception {
        JsonNode job = runJob("{\"job\": \"pipeline\", \"params\": {\"name\": \"sales\", \"run-id\": 1}}");
        assertThat(job.path("state").asText()).isEqualTo("FAILED");
        assertThat(job.path("error").path("message").asText()).contains("broken").contains("no_such_column");
        assertThat(count("SELECT count(*) FROM reports.per_store")).as("the step before the failure is served").isEqualTo(3);
        assertThat(count("SELECT sum(sales) FROM reports.per_store")).isEqualTo(300);
    }

    @Test
    void aFolderIngestAppendsEachFileOnce() throws Exception {
        JsonNode first = runJob("{\"job\": \"ingest-folder\", \"table\": \"landing.events\"}");
        assertThat(first.path("state").asText()).as(first.toString()).isEqualTo("SUCCEEDED");
        assertThat(first.path("result").path("filesAppended").asInt()).isEqualTo(1);
        JsonNode again = runJob("{\"job\": \"ingest-folder\", \"table\": \"landing.events\"}");
        assertThat(again.path("result").path("filesAppended").asInt()).isZero();
        assertThat(again.path("result").path("filesAlreadyIngested").asInt()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM landing.events")).isEqualTo(10);
    }

    @Test
    void compactionVacuumAndCheckpointKeepTheRows() throws Exception {
        for (int batch = 0; batch < 3; batch++) {
            try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
                statement.execute("COPY (SELECT " + batch + " * 100 + range AS id FROM range(100)) TO '"
                        + kept.resolve("batch-" + batch + ".parquet") + "' (FORMAT parquet)");
            }
            assertThat(runJob("{\"job\": \"ingest-folder\", \"table\": \"landing.kept\"}").path("state").asText())
                    .isEqualTo("SUCCEEDED");
        }
        assertThat(count("SELECT count(DISTINCT id) FROM landing.kept")).isEqualTo(300);

        JsonNode compacted = runJob("{\"job\": \"compact\", \"table\": \"landing.kept\"}");
        assertThat(compacted.path("state").asText()).as(compacted.toString()).isEqualTo("SUCCEEDED");
        assertThat(compacted.path("result").path("filesRemoved").asInt()).isEqualTo(3);
        assertThat(compacted.path("result").path("filesAdded").asInt()).isEqualTo(1);
        assertThat(count("SELECT count(DISTINCT id) FROM landing.kept")).isEqualTo(300);
        assertThat(count("SELECT count(*) FROM landing.kept")).isEqualTo(300);

        JsonNode dryRun = runJob("{\"job\": \"vacuum\", \"table\": \"landing.kept\", "
                + "\"params\": {\"retention\": \"0s\", \"force\": true, \"dry-run\": true}}");
        assertThat(dryRun.path("state").asText()).as(dryRun.toString()).isEqualTo("SUCCEEDED");
        assertThat(dryRun.path("result").path("files")).hasSize(3);
        JsonNode refused = runJob("{\"job\": \"vacuum\", \"table\": \"landing.kept\", \"params\": {\"retention\": \"0s\"}}");
        assertThat(refused.path("state").asText()).as("a retention under the safety floor needs force").isEqualTo("FAILED");

        JsonNode checkpoint = runJob("{\"job\": \"checkpoint\", \"table\": \"landing.kept\"}");
        assertThat(checkpoint.path("state").asText()).as(checkpoint.toString()).isEqualTo("SUCCEEDED");
        assertThat(checkpoint.path("result").path("checkpointVersion").asLong()).isPositive();
        assertThat(count("SELECT count(*) FROM landing.kept")).isEqualTo(300);
    }

    @Test
    void anUnknownPipelineOrAnUnconfiguredFolderIsAClientError() throws Exception {
        assertThat(post("{\"job\": \"pipeline\", \"params\": {\"name\": \"nope\"}}").statusCode()).isIn(400, 404);
        assertThat(post("{\"job\": \"ingest-folder\", \"table\": \"landing.other\"}").statusCode()).isEqualTo(400);
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + "/jobs"))
                .header("Authorization", ADMIN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode runJob(String body) throws Exception {
        HttpResponse<String> started = post(body);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = JSON.readTree(started.body()).path("id").asText();
        for (int attempt = 0; attempt < 600; attempt++) {
            JsonNode status = JSON.readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.adminPort() + "/jobs/" + id)).header("Authorization", ADMIN)
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body());
            String state = status.path("state").asText();
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
                return status;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " did not finish within 60 s");
    }

    private static long count(String sql) throws Exception {
        try (Connection connection = server.connect(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).isTrue();
            return result.getLong(1);
        }
    }
}
