package dev.pondhouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pondhouse.server.engine.SqlIdentifiers;
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
import dev.pondhouse.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API end to end: a real server on a lake of its own (a Delta table at version 1, a plain
 * Parquet folder with a partition folder), lake polling off, over real HTTP.
 */
class AdminApiTest {
    private static final String SCHEMA_STRING = "{\"type\":\"struct\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}";
    private static final String[] ADMIN = {TestServer.ADMIN_USER, TestServer.ADMIN_PASSWORD};
    private static final String[] READER = {TestServer.USER, TestServer.PASSWORD};

    @TempDir
    static Path lake;

    private static TestServer server;
    private static AdminClient client;
    private static final List<AddFile> ordersFiles = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        DeltaLog orders = deltaLog("sales/orders/");
        AddFile first = write("sales/orders", "part-1.parquet", "SELECT 1::BIGINT AS id");
        AddFile second = write("sales/orders", "part-2.parquet", "SELECT 2::BIGINT AS id");
        commit(orders, -1, CommitInfo.of(1_000, "CREATE TABLE", Map.of()), Protocol.READER_1_WRITER_2,
                Metadata.newTable(SCHEMA_STRING, List.of(), 1_000), first, second);
        AddFile third = write("sales/orders", "part-3.parquet", "SELECT 3::BIGINT AS id FROM range(10)");
        commit(orders, 0, CommitInfo.of(2_000, "DELETE", Map.of("predicate", "id = 1")), RemoveFile.of(first, 2_000, true), third);
        ordersFiles.addAll(List.of(second, third));
        write("sales/plain", "day=1/data.parquet", "SELECT 7::BIGINT AS id");
        java.nio.file.Files.createDirectories(lake.resolve("sales/broken/_delta_log"));
        java.nio.file.Files.writeString(lake.resolve("sales/broken/_delta_log/00000000000000000000.json"), "{not json\n");

        server = TestServer.start(Map.of("lake.root", lake.toString(), "lake.default-schema", "sales",
                "lake.refresh-interval", "0"));
        client = AdminClient.plaintext(server.adminPort());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    private static DeltaLog deltaLog(String root) {
        CommitFileFormat format = new CommitFileFormat();
        LocalBlobStore store = new LocalBlobStore(lake);
        return new DeltaLog(store, root, format, new DuckDbCheckpointReader(store, lake.resolve("_checkpoints"), format));
    }

    private static AddFile write(String table, String path, String query) throws Exception {
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

    private static JsonNode awaitJob(String id, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            AdminClient.Answer answer = client.get("/jobs/" + id, ADMIN);
            assertThat(answer.status()).isEqualTo(200);
            if (condition.test(answer.json())) {
                return answer.json();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " did not get there: " + answer.text());
            }
            Thread.sleep(50);
        }
    }

    private static JsonNode table(JsonNode tables, String name) {
        for (JsonNode table : tables) {
            if ((table.path("schema").asText() + "." + table.path("name").asText()).equals(name)) {
                return table;
            }
        }
        throw new AssertionError("no table " + name + " in " + tables);
    }

    @Test
    void healthReadinessAndMetricsNeedNoLogin() throws Exception {
        try (java.sql.Connection connection = server.connect(); java.sql.Statement statement = connection.createStatement();
                java.sql.ResultSet result = statement.executeQuery("SELECT 1")) {
            assertThat(result.next()).isTrue();
        }
        AdminClient.Answer health = client.get("/health");
        AdminClient.Answer ready = client.get("/ready");
        AdminClient.Answer metrics = client.get("/metrics");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("up");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("ready").asBoolean()).isTrue();
        assertThat(ready.json().path("checks").path("lakeRefreshed").asBoolean()).isTrue();
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(metrics.text()).contains("jvm_memory_used_bytes", "process_uptime_seconds", "pondhouse_sessions_open",
                "pondhouse_jobs_active{state=\"running\"}", "pondhouse_queries_started_total");
        assertThat(metrics.text().lines().filter(line -> line.startsWith("pondhouse_queries_started_total")).findFirst())
                .as("the query above is counted")
                .hasValueSatisfying(line -> assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).isPositive());
    }

    @Test
    void tablesListDeltaVersionsFilesAndPartitions() throws Exception {
        AdminClient.Answer answer = client.get("/tables", ADMIN);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("problems")).as("the table that cannot be served, with the reason")
                .anySatisfy(problem -> assertThat(problem.asText()).contains("sales.broken"));
        JsonNode orders = table(answer.json().path("tables"), "sales.orders");
        assertThat(orders.path("format").asText()).isEqualTo("delta");
        assertThat(orders.path("version").asLong()).isEqualTo(1);
        assertThat(orders.path("files").asInt()).isEqualTo(2);
        assertThat(orders.path("bytes").asLong()).isEqualTo(ordersFiles.stream().mapToLong(AddFile::size).sum());
        assertThat(orders.path("partitionColumns")).isEmpty();
        assertThat(orders.path("lastModified").isTextual()).isTrue();
        JsonNode plain = table(answer.json().path("tables"), "sales.plain");
        assertThat(plain.path("format").asText()).isEqualTo("parquet");
        assertThat(plain.path("version").isNull()).isTrue();
        assertThat(plain.path("files").asInt()).isEqualTo(1);
        assertThat(plain.path("partitionColumns").get(0).asText()).isEqualTo("day");
    }

    @Test
    void aTableShowsItsCommitsNewestFirst() throws Exception {
        AdminClient.Answer answer = client.get("/tables/sales/orders", ADMIN);

        assertThat(answer.status()).isEqualTo(200);
        JsonNode history = answer.json().path("history");
        assertThat(history).hasSize(2);
        assertThat(history.get(0).path("version").asLong()).isEqualTo(1);
        assertThat(history.get(0).path("operation").asText()).isEqualTo("DELETE");
        assertThat(history.get(0).path("operationParameters").path("predicate").asText()).isEqualTo("id = 1");
        assertThat(history.get(0).path("filesAdded").asInt()).isEqualTo(1);
        assertThat(history.get(0).path("filesRemoved").asInt()).isEqualTo(1);
        assertThat(history.get(0).path("timestamp").asText()).isEqualTo("1970-01-01T00:00:02Z");
        assertThat(history.get(1).path("operation").asText()).isEqualTo("CREATE TABLE");
        assertThat(history.get(1).path("filesAdded").asInt()).isEqualTo(2);
    }

    @Test
    void aRefreshJobSubmittedOverHttpServesATableCreatedAfterStart() throws Exception {
        commit(deltaLog("sales/returns/"), -1, CommitInfo.of(3_000, "CREATE TABLE", Map.of()), Protocol.READER_1_WRITER_2,
                Metadata.newTable(SCHEMA_STRING, List.of(), 3_000), write("sales/returns", "part-1.parquet", "SELECT 5::BIGINT AS id"));
        assertThat(client.get("/tables/sales/returns", ADMIN).status()).as("not served before the refresh").isEqualTo(404);

        AdminClient.Answer submitted = client.post("/jobs", "{\"job\": \"refresh\"}", ADMIN);

        assertThat(submitted.status()).isEqualTo(202);
        String id = submitted.json().path("id").asText();
        assertThat(submitted.header("Location")).contains("/jobs/" + id);
        assertThat(submitted.json().path("requestedBy").asText()).isEqualTo(TestServer.ADMIN_USER);
        JsonNode done = awaitJob(id, job -> job.path("state").asText().equals("SUCCEEDED"));
        assertThat(done.path("result").path("viewsChanged").asInt()).isEqualTo(1);
        assertThat(done.path("ended").isTextual()).isTrue();
        AdminClient.Answer returns = client.get("/tables/sales/returns", ADMIN);
        assertThat(returns.status()).isEqualTo(200);
        assertThat(returns.json().path("version").asLong()).isZero();
        assertThat(client.get("/jobs?limit=1", ADMIN).json().path("jobs").get(0).path("id").asText()).isEqualTo(id);
        assertThat(client.get("/metrics").text()).contains("pondhouse_job_duration_seconds_count{job=\"refresh\",state=\"succeeded\"}");
    }

    @Test
    void aRunningJobIsCancelledAndASecondJobOnItsTableIsRefused() throws Exception {
        AdminClient.Answer holding = client.post("/jobs", "{\"job\": \"hold\", \"table\": \"sales.orders\"}", ADMIN);
        assertThat(holding.status()).isEqualTo(202);
        String id = holding.json().path("id").asText();
        awaitJob(id, job -> job.path("state").asText().equals("RUNNING"));

        AdminClient.Answer busy = client.post("/jobs", "{\"job\": \"hold\", \"table\": \"sales.orders\", \"params\": {\"millis\": 1}}",
                ADMIN);
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.errorCode()).isEqualTo("conflict");
        assertThat(busy.errorMessage()).contains("table sales.orders is busy", id);

        AdminClient.Answer cancel = client.post("/jobs/" + id + "/cancel", "", ADMIN);
        assertThat(cancel.status()).isIn(200, 202);
        assertThat(cancel.json().path("cancelRequested").asBoolean()).isTrue();
        JsonNode cancelled = awaitJob(id, job -> job.path("state").asText().equals("CANCELLED"));
        assertThat(cancelled.path("error").path("message").asText()).contains("cancelled by admin");
        AdminClient.Answer again = client.post("/jobs/" + id + "/cancel", "", ADMIN);
        assertThat(again.status()).isEqualTo(409);
    }

    @Test
    void credentialsAreNeededAndCheckedAndAdminPermissionToo() throws Exception {
        AdminClient.Answer anonymous = client.get("/tables");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.errorCode()).isEqualTo("unauthenticated");
        assertThat(anonymous.header("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Basic"));
        AdminClient.Answer wrongPassword = client.post("/jobs", "{\"job\": \"refresh\"}", TestServer.ADMIN_USER, "nope");
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(wrongPassword.errorMessage()).isEqualTo("invalid credentials");

        AdminClient.Answer readerTables = client.get("/tables", READER);
        AdminClient.Answer readerJob = client.post("/jobs", "{\"job\": \"refresh\"}", READER);
        AdminClient.Answer readerJobs = client.get("/jobs", READER);
        assertThat(readerTables.status()).isEqualTo(403);
        assertThat(readerTables.errorCode()).isEqualTo("permission_denied");
        assertThat(readerJob.status()).isEqualTo(403);
        assertThat(readerJob.errorMessage()).isEqualTo("user demo may not run job refresh");
        assertThat(readerJobs.status()).isEqualTo(403);
        assertThat(client.post("/jobs", "{\"job\": \"hold\", \"table\": \"sales.nope\"}", READER).status())
                .as("no permission: the table's existence is not revealed").isEqualTo(403);
    }

    @Test
    void badRequestsGetTheRightStatusAndAMessageThatSaysWhatToDo() throws Exception {
        AdminClient.Answer unknownJob = client.post("/jobs", "{\"job\": \"defragment\", \"table\": \"sales.orders\"}", ADMIN);
        assertThat(unknownJob.status()).isEqualTo(400);
        assertThat(unknownJob.errorCode()).isEqualTo("user_error");
        assertThat(unknownJob.errorMessage())
                .isEqualTo("unknown job 'defragment'; known jobs: checkpoint, compact, hold, refresh, vacuum");

        AdminClient.Answer unknownTable = client.post("/jobs", "{\"job\": \"hold\", \"table\": \"sales.nope\"}", ADMIN);
        assertThat(unknownTable.status()).isEqualTo(404);
        assertThat(unknownTable.errorMessage()).contains("table sales.nope is not served");
        assertThat(client.get("/tables/sales/nope", ADMIN).status()).isEqualTo(404);

        AdminClient.Answer malformed = client.post("/jobs", "{\"job\": ", ADMIN);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorMessage()).startsWith("malformed JSON");

        AdminClient.Answer badParameter = client.post("/jobs", "{\"job\": \"refresh\", \"params\": {\"full\": true}}", ADMIN);
        assertThat(badParameter.status()).isEqualTo(400);
        assertThat(badParameter.errorMessage()).isEqualTo("job refresh: unknown parameter full (it takes no parameters)");

        AdminClient.Answer notATableName = client.post("/jobs", "{\"job\": \"hold\", \"table\": \"../etc/passwd\"}", ADMIN);
        assertThat(notATableName.status()).isEqualTo(400);
        assertThat(notATableName.errorMessage()).contains("is not a table name of the form schema.table");

        AdminClient.Answer unknownField = client.post("/jobs", "{\"job\": \"refresh\", \"tabel\": \"sales.orders\"}", ADMIN);
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.errorMessage()).contains("unknown field \"tabel\"");

        AdminClient.Answer unknownId = client.get("/jobs/no-such-job", ADMIN);
        assertThat(unknownId.status()).isEqualTo(404);
        assertThat(unknownId.errorCode()).isEqualTo("not_found");

        AdminClient.Answer wrongMethod = client.method("DELETE", "/jobs", ADMIN);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).contains("GET, POST");

        assertThat(client.get("/nowhere").status()).isEqualTo(404);
        assertThat(client.get("/jobs?limit=many", ADMIN).status()).isEqualTo(400);
    }

    @Test
    void jobTypesAreListed() throws Exception {
        AdminClient.Answer answer = client.get("/job-types", ADMIN);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("jobTypes").findValuesAsText("name"))
                .containsExactly("checkpoint", "compact", "hold", "refresh", "vacuum");
        assertThat(answer.json().path("jobTypes").get(3).path("table").asText()).isEqualTo("none");
        assertThat(answer.json().path("jobTypes").get(1).path("table").asText()).isEqualTo("existing");
    }
}
