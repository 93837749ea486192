package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins over the wire: repeated failures throttle a user (even the right password is then refused
 * with the same answer), and a token stops working when the rule file changes what its user may read.
 */
class LoginLifecycleTest {
    private static final String RULES = """
            rules:
              - roles: [reader]
                tables: ["tpch.*"]
                privileges: [read]
              - users: [rita]
                tables: [tpch.nation]
                privileges: [read]
            """;

    @TempDir
    static Path folder;
    private static Path rules;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        rules = folder.resolve("rules.yaml");
        Files.writeString(rules, RULES);
        Path audit = folder.resolve("audit.jsonl");
        server = TestServer.start(Optional.empty(), Map.of("auth.rules-file", rules.toString(), "audit.file", audit.toString()),
                Map.of("victim", List.of("victim-password"), "rita", List.of("rita-password")));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void repeatedFailuresThrottleTheUserWithTheSameAnswer() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port())).build()) {
            for (int attempt = 0; attempt < 5; attempt++) {
                assertThatThrownBy(() -> client.authenticateBasicToken("victim", "wrong"))
                        .isInstanceOfSatisfying(FlightRuntimeException.class,
                                error -> assertThat(error.status().code()).isEqualTo(CallStatus.UNAUTHENTICATED.code()))
                        .hasMessageContaining("invalid credentials");
            }
            assertThatThrownBy(() -> client.authenticateBasicToken("victim", "victim-password"))
                    .as("the right password while throttled").hasMessageContaining("invalid credentials");
            assertThat(client.authenticateBasicToken(TestServer.USER, TestServer.PASSWORD)).as("other users are not throttled")
                    .isPresent();
        }
        List<String> audit = Files.readAllLines(folder.resolve("audit.jsonl"));
        assertThat(audit).anyMatch(line -> line.contains("\"user\":\"victim\"") && line.contains("\"outcome\":\"throttled\""));
        assertThat(audit).filteredOn(line -> line.contains("\"user\":\"victim\""))
                .noneMatch(line -> line.contains("password"));
    }

    @Test
    void aTokenStopsWorkingWhenTheRulesForItsUserChange() throws Exception {
        awaitBaseRules();
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient flight = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port())).build();
                FlightSqlClient sql = new FlightSqlClient(flight)) {
            CallOption rita = flight.authenticateBasicToken("rita", "rita-password").orElseThrow();
            CallOption demo = flight.authenticateBasicToken(TestServer.USER, TestServer.PASSWORD).orElseThrow();
            assertThat(count(sql, rita)).isEqualTo(25);

            Files.writeString(rules, RULES.replace("tables: [tpch.nation]", "tables: [tpch.region]"));
            long deadline = System.nanoTime() + 30_000_000_000L;
            FlightRuntimeException refused = null;
            while (refused == null && System.nanoTime() < deadline) {
                try {
                    count(sql, rita);
                    Thread.sleep(250);
                } catch (FlightRuntimeException e) {
                    refused = e;
                }
            }
            assertThat(refused).as("rita's token refused after her rule changed").isNotNull();
            assertThat(refused.status().code()).isEqualTo(CallStatus.UNAUTHENTICATED.code());
            assertThat(refused).hasMessageContaining("log in again");
            assertThat(count(sql, demo)).as("a user whose rules did not change keeps the token").isEqualTo(25);
        } finally {
            Files.writeString(rules, RULES);
        }
    }

    @Test
    void anAdminCallReloadsTheRulesAndABadFileKeepsTheRulesInForce() throws Exception {
        awaitBaseRules();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (TestServer.ADMIN_USER + ":" + TestServer.ADMIN_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            Files.writeString(rules, RULES + "    row-filter: \"no_such_column = 1\"\n");
            java.net.http.HttpResponse<String> started = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + server.adminPort() + "/jobs"))
                    .header("Authorization", basic)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"job\": \"reload-rules\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(started.body()).path("id").asText();
            String status = "";
            for (int attempt = 0; attempt < 100 && !status.contains("\"FAILED\"") && !status.contains("\"SUCCEEDED\""); attempt++) {
                Thread.sleep(100);
                status = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + server.adminPort() + "/jobs/" + id))
                        .header("Authorization", basic).GET().build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            }
            assertThat(status).contains("\"FAILED\"").contains("line 8").contains("no_such_column");
            try (BufferAllocator allocator = new RootAllocator();
                    FlightClient flight = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port())).build();
                    FlightSqlClient sql = new FlightSqlClient(flight)) {
                CallOption rita = flight.authenticateBasicToken("rita", "rita-password").orElseThrow();
                assertThat(count(sql, rita)).as("the previous rules stay in force").isEqualTo(25);
            }
        } finally {
            Files.writeString(rules, RULES);
        }
    }

    @Test
    void temporaryViewsDoNotOutliveTheRulesTheyWereCheckedUnder() throws Exception {
        awaitBaseRules();
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient flight = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port()))
                        .intercept(new org.apache.arrow.flight.client.ClientCookieMiddleware.Factory()).build();
                FlightSqlClient sql = new FlightSqlClient(flight)) {
            CallOption rita = flight.authenticateBasicToken("rita", "rita-password").orElseThrow();
            sql.executeUpdate("CREATE TEMP VIEW kept_nations AS SELECT * FROM tpch.nation", rita);
            assertThat(countOf(sql, rita, "SELECT count(*) FROM kept_nations")).isEqualTo(25);
            CallOption relogin = flight.authenticateBasicToken("rita", "rita-password").orElseThrow();
            assertThat(countOf(sql, relogin, "SELECT count(*) FROM kept_nations"))
                    .as("a new login with the session cookie continues the session").isEqualTo(25);

            Files.writeString(rules, RULES.replace("tables: [tpch.nation]", "tables: [tpch.region]"));
            long deadline = System.nanoTime() + 30_000_000_000L;
            boolean revoked = false;
            while (!revoked && System.nanoTime() < deadline) {
                try {
                    countOf(sql, rita, "SELECT 1::BIGINT");
                    Thread.sleep(250);
                } catch (FlightRuntimeException e) {
                    revoked = e.status().code() == CallStatus.UNAUTHENTICATED.code();
                }
            }
            assertThat(revoked).as("rita's token revoked after her rule changed").isTrue();
            CallOption again = flight.authenticateBasicToken("rita", "rita-password").orElseThrow();
            assertThatThrownBy(() -> countOf(sql, again, "SELECT count(*) FROM kept_nations"))
                    .as("the view made under the old rules is gone from the session").hasMessageContaining("kept_nations");
            assertThat(countOf(sql, again, "SELECT count(*) FROM tpch.region")).isEqualTo(5);
        } finally {
            Files.writeString(rules, RULES);
        }
    }

    /** Puts the original rule file back and waits until the server has read it (another test changed it). */
    private static void awaitBaseRules() throws Exception {
        Files.writeString(rules, RULES);
        long deadline = System.nanoTime() + 30_000_000_000L;
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient flight = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port())).build();
                FlightSqlClient sql = new FlightSqlClient(flight)) {
            while (true) {
                try {
                    CallOption rita = flight.authenticateBasicToken("rita", "rita-password").orElseThrow();
                    count(sql, rita);
                    return;
                } catch (FlightRuntimeException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(250);
                }
            }
        }
    }

    private static long countOf(FlightSqlClient sql, CallOption credentials, String query) throws Exception {
        FlightInfo info = sql.execute(query, credentials);
        try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), credentials)) {
            assertThat(stream.next()).isTrue();
            return ((org.apache.arrow.vector.BigIntVector) stream.getRoot().getVector(0)).get(0);
        }
    }

    private static long count(FlightSqlClient sql, CallOption credentials) throws Exception {
        FlightInfo info = sql.execute("SELECT count(*) FROM tpch.nation", credentials);
        try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), credentials)) {
            assertThat(stream.next()).isTrue();
            return ((org.apache.arrow.vector.BigIntVector) stream.getRoot().getVector(0)).get(0);
        }
    }
}
