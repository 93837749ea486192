package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.testing.TestServer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.Transaction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;

/**
 * What the JDBC driver does not exercise, through the plain Flight SQL client: transactions,
 * CancelFlightInfo, the concurrency limit and the per-query memory limit.
 */
class FlightSqlClientTest {
    /** A logged-in Flight SQL client; closing it closes the connection. */
    private record Client(BufferAllocator allocator, FlightSqlClient sql, CallOption[] options) implements AutoCloseable {
        static Client connect(int port) {
            return connect(port, TestServer.USER, TestServer.PASSWORD);
        }

        static Client connect(int port, String user, String password) {
            BufferAllocator allocator = new RootAllocator();
            FlightClient flight = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build();
            CallOption credentials = flight.authenticateBasicToken(user, password).orElseThrow();
            return new Client(allocator, new FlightSqlClient(flight), new CallOption[] {credentials});
        }

        long single(String sql) throws Exception {
            FlightInfo info = this.sql.execute(sql, options);
            try (FlightStream stream = this.sql.getStream(info.getEndpoints().get(0).getTicket(), options)) {
                assertThat(stream.next()).isTrue();
                return ((BigIntVector) stream.getRoot().getVector(0)).get(0);
            }
        }

        @Override
        public void close() throws Exception {
            sql.close();
            allocator.close();
        }
    }

    @Test
    void aResultTicketIsOnlyGoodForTheUserWhoAskedForIt() throws Exception {
        int port = TestServer.shared().port();
        try (Client owner = Client.connect(port);
                Client other = Client.connect(port, TestServer.OTHER_USER, TestServer.OTHER_PASSWORD)) {
            FlightInfo info = owner.sql().execute("SELECT count(*) FROM nation", owner.options());
            assertThatThrownBy(() -> {
                try (FlightStream stream = other.sql().getStream(info.getEndpoints().get(0).getTicket(), other.options())) {
                    stream.next();
                }
            }).isInstanceOfSatisfying(FlightRuntimeException.class,
                    error -> assertThat(error.status().code()).isEqualTo(CallStatus.NOT_FOUND.code()));
            try (FlightStream stream = owner.sql().getStream(info.getEndpoints().get(0).getTicket(), owner.options())) {
                assertThat(stream.next()).isTrue();
                assertThat(((BigIntVector) stream.getRoot().getVector(0)).get(0)).isEqualTo(25);
            }

            FlightSqlClient.PreparedStatement prepared = owner.sql().prepare("SELECT count(*) FROM region", owner.options());
            FlightInfo preparedInfo = prepared.execute(owner.options());
            assertThatThrownBy(() -> {
                try (FlightStream stream = other.sql().getStream(preparedInfo.getEndpoints().get(0).getTicket(),
                        other.options())) {
                    stream.next();
                }
            }).isInstanceOf(FlightRuntimeException.class);
            try (FlightStream stream = owner.sql().getStream(preparedInfo.getEndpoints().get(0).getTicket(),
                    owner.options())) {
                assertThat(stream.next()).isTrue();
            }
            prepared.close(owner.options());
        }
    }

    @Test
    void transactionsCommitAndRollBack() throws Exception {
        try (Client client = Client.connect(TestServer.shared().port())) {
            Transaction rolledBack = client.sql().beginTransaction(client.options());
            client.sql().executeUpdate("CREATE TEMP TABLE ledger AS SELECT 1::BIGINT AS amount", rolledBack,
                    client.options());
            assertThat(client.single("SELECT count(*) FROM ledger")).isEqualTo(1);
            client.sql().rollback(rolledBack, client.options());
            assertThat(client.single("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'ledger'")).isZero();

            Transaction committed = client.sql().beginTransaction(client.options());
            client.sql().executeUpdate("CREATE TEMP TABLE ledger AS SELECT 5::BIGINT AS amount", committed,
                    client.options());
            assertThatThrownBy(() -> client.sql().beginTransaction(client.options()))
                    .isInstanceOfSatisfying(FlightRuntimeException.class,
                            error -> assertThat(error.status().code()).isEqualTo(CallStatus.ALREADY_EXISTS.code()))
                    .hasMessageContaining("already open");
            client.sql().commit(committed, client.options());
            assertThat(client.single("SELECT sum(amount)::BIGINT FROM ledger")).isEqualTo(5);

            assertThatThrownBy(() -> client.sql().commit(committed, client.options()))
                    .hasMessageContaining("is not open in this session");
        }
    }

    @Test
    void cancelFlightInfoStopsAQueryWhoseResultIsBeingRead() throws Exception {
        try (Client client = Client.connect(TestServer.shared().port())) {
            FlightInfo info = client.sql().execute("SELECT count(*) FROM range(1000000000000) WHERE range % 7 = 1", client.options());
            CompletableFuture<Throwable> reading = CompletableFuture.supplyAsync(() -> {
                try (FlightStream stream = client.sql().getStream(info.getEndpoints().get(0).getTicket(), client.options())) {
                    while (stream.next()) {
                        // The count would take hours; the cancel must end it first.
                    }
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            Thread.sleep(1_000);

            CancelStatus status = client.sql().cancelFlightInfo(new CancelFlightInfoRequest(info), client.options()).getStatus();

            assertThat(status).isEqualTo(CancelStatus.CANCELLED);
            assertThat(reading.get(30, TimeUnit.SECONDS)).as("the stream ends with an error").isNotNull()
                    .hasMessageContaining("cancelled");
            assertThat(client.single("SELECT 42::BIGINT")).isEqualTo(42);
        }
    }

    @Test
    void statementsBeyondTheConcurrencyLimitWaitThenFailNamingTheLimit() throws Exception {
        TestServer server = TestServer.start(Map.of("query.max-concurrent", "1", "query.queue-timeout", "1s"));
        try (Client first = Client.connect(server.port()); Client second = Client.connect(server.port())) {
            // An executed statement holds its slot until its result is read or dropped.
            FlightInfo holding = first.sql().execute("SELECT 1", first.options());

            assertThatThrownBy(() -> second.sql().execute("SELECT 2", second.options()))
                    .isInstanceOfSatisfying(FlightRuntimeException.class,
                            error -> assertThat(error.status().code()).isEqualTo(CallStatus.RESOURCE_EXHAUSTED.code()))
                    .hasMessageContaining("query.max-concurrent");

            try (FlightStream stream = first.sql().getStream(holding.getEndpoints().get(0).getTicket(), first.options())) {
                while (stream.next()) {
                    // Reading the result to the end frees the slot.
                }
            }
            assertThat(second.single("SELECT 2::BIGINT")).isEqualTo(2);
        } finally {
            server.stop();
        }
    }

    @Test
    void aResultLargerThanTheMemoryLimitFailsNamingTheLimit() throws Exception {
        TestServer server = TestServer.start(Map.of("query.memory-per-query", "64KB", "query.batch-target-size", "1MB"));
        try (Client client = Client.connect(server.port())) {
            FlightInfo info = client.sql().execute("SELECT * FROM lineitem", client.options());

            assertThatThrownBy(() -> {
                try (FlightStream stream = client.sql().getStream(info.getEndpoints().get(0).getTicket(), client.options())) {
                    while (stream.next()) {
                        // Fails on the first batch that does not fit.
                    }
                }
            }).isInstanceOfSatisfying(FlightRuntimeException.class,
                    error -> assertThat(error.status().code()).isEqualTo(CallStatus.RESOURCE_EXHAUSTED.code()))
                    .hasMessageContaining("query.memory-per-query");

            assertThat(client.single("SELECT count(*) FROM nation")).isEqualTo(25);
        } finally {
            server.stop();
        }
    }
}
