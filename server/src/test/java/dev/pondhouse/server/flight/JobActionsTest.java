package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pondhouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** The job actions through the plain Flight client, next to Flight SQL's own actions. */
class JobActionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A logged-in Flight client; closing it closes the connection. */
    private record Client(BufferAllocator allocator, FlightClient flight, CallOption credentials) implements AutoCloseable {
        static Client connect(String user, String password) {
            BufferAllocator allocator = new RootAllocator();
            FlightClient flight = FlightClient.builder(allocator,
                    Location.forGrpcInsecure("127.0.0.1", TestServer.shared().port())).build();
            return new Client(allocator, flight, flight.authenticateBasicToken(user, password).orElseThrow());
        }

        JsonNode act(String type, String body) throws Exception {
            Iterator<Result> results = flight.doAction(new Action(type, body.getBytes(StandardCharsets.UTF_8)), credentials);
            assertThat(results.hasNext()).isTrue();
            JsonNode answer = JSON.readTree(results.next().getBody());
            assertThat(results.hasNext()).as("one result").isFalse();
            return answer;
        }

        @Override
        public void close() throws Exception {
            flight.close();
            allocator.close();
        }
    }

    @Test
    void listActionsOffersTheJobActionsBesideFlightSqls() throws Exception {
        try (Client client = Client.connect(TestServer.USER, TestServer.PASSWORD)) {
            List<String> types = new ArrayList<>();
            for (ActionType type : client.flight().listActions(client.credentials())) {
                types.add(type.getType());
            }

            assertThat(types).contains("CreatePreparedStatement", "ClosePreparedStatement", JobActions.START, JobActions.STATUS,
                    JobActions.CANCEL, JobActions.LIST);
        }
    }

    @Test
    void anAdminStartsARefreshFollowsItAndListsIt() throws Exception {
        try (Client client = Client.connect(TestServer.ADMIN_USER, TestServer.ADMIN_PASSWORD)) {
            JsonNode started = client.act(JobActions.START, "{\"job\": \"refresh\"}");
            String id = started.path("id").asText();
            assertThat(started.path("job").asText()).isEqualTo("refresh");

            JsonNode status = started;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!status.path("state").asText().equals("SUCCEEDED") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                status = client.act(JobActions.STATUS, "{\"id\": \"" + id + "\"}");
            }
            assertThat(status.path("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(status.path("result").path("tablesServed").asInt()).isEqualTo(8);
            assertThat(client.act(JobActions.LIST, "{\"limit\": 5}").path("jobs").findValuesAsText("id")).contains(id);
        }
    }

    @Test
    void anAdminCancelsARunningJob() throws Exception {
        try (Client client = Client.connect(TestServer.ADMIN_USER, TestServer.ADMIN_PASSWORD)) {
            String id = client.act(JobActions.START, "{\"job\": \"hold\", \"table\": \"tpch.region\"}").path("id").asText();

            JsonNode cancelled = client.act(JobActions.CANCEL, "{\"id\": \"" + id + "\"}");

            assertThat(cancelled.path("state").asText()).isIn("CANCELLED", "RUNNING", "QUEUED");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!cancelled.path("state").asText().equals("CANCELLED") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                cancelled = client.act(JobActions.STATUS, "{\"id\": \"" + id + "\"}");
            }
            assertThat(cancelled.path("state").asText()).isEqualTo("CANCELLED");
        }
    }

    @Test
    void errorsAreFlightStatuses() throws Exception {
        try (Client reader = Client.connect(TestServer.USER, TestServer.PASSWORD);
                Client admin = Client.connect(TestServer.ADMIN_USER, TestServer.ADMIN_PASSWORD)) {
            assertStatus(() -> reader.act(JobActions.START, "{\"job\": \"refresh\"}"), CallStatus.UNAUTHORIZED,
                    "user demo may not run job refresh");
            assertStatus(() -> admin.act(JobActions.START, "{\"job\": \"defragment\"}"), CallStatus.INVALID_ARGUMENT,
                    "unknown job 'defragment'");
            assertStatus(() -> admin.act(JobActions.START, "{\"job\": \"hold\", \"table\": \"tpch.nope\"}"),
                    CallStatus.NOT_FOUND, "table tpch.nope is not served");
            assertStatus(() -> admin.act(JobActions.STATUS, "{\"id\": 12"), CallStatus.INVALID_ARGUMENT, "not valid JSON");
            assertStatus(() -> admin.act(JobActions.STATUS, "{}"), CallStatus.INVALID_ARGUMENT, "needs the job id");
            assertStatus(() -> admin.act(JobActions.STATUS, "{\"id\": \"nope\"}"), CallStatus.NOT_FOUND, "no job with id nope");
        }
    }

    @Test
    void flightSqlActionsStillWork() throws Exception {
        try (Client client = Client.connect(TestServer.USER, TestServer.PASSWORD)) {
            FlightSqlClient sql = new FlightSqlClient(client.flight());
            FlightSqlClient.PreparedStatement prepared = sql.prepare("SELECT 42", client.credentials());
            assertThat(prepared.getResultSetSchema().getFields()).hasSize(1);
            prepared.close(client.credentials());
        }
    }

    private static void assertStatus(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, CallStatus status,
            String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FlightRuntimeException.class,
                error -> assertThat(error.status().code()).isEqualTo(status.code())).hasMessageContaining(message);
    }
}
