package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.testing.TestServer;
import dev.pondhouse.server.testing.TpchAnswers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.CloseSessionResult;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.GetSessionOptionsResult;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Each JDBC connection is a session of its own on the server; many run at once. */
class JdbcSessionTest {
    private static final int PARALLEL_CONNECTIONS = 16;
    private static final List<Integer> PARALLEL_QUERIES = List.of(1, 3, 6, 14);

    @Test
    void temporaryTableIsVisibleOnlyInItsOwnSession() throws SQLException {
        TestServer server = TestServer.shared();
        try (Connection first = server.connect(); Connection second = server.connect();
                Connection otherUser = server.connect(TestServer.OTHER_USER, TestServer.OTHER_PASSWORD);
                Statement firstStatement = first.createStatement();
                Statement secondStatement = second.createStatement();
                Statement otherUserStatement = otherUser.createStatement()) {
            firstStatement.execute("CREATE TEMP TABLE session_notes AS SELECT range AS id FROM range(3)");
            assertThat(count(firstStatement, "SELECT count(*) FROM session_notes")).isEqualTo(3);

            for (Statement stranger : List.of(secondStatement, otherUserStatement)) {
                assertThatThrownBy(() -> count(stranger, "SELECT count(*) FROM session_notes"))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("session_notes")
                        .hasMessageContaining("does not exist");
            }

            // The same name in another session is another table.
            secondStatement.execute("CREATE TEMP TABLE session_notes AS SELECT range AS id FROM range(5)");
            assertThat(count(secondStatement, "SELECT count(*) FROM session_notes")).isEqualTo(5);
            assertThat(count(firstStatement, "SELECT count(*) FROM session_notes")).isEqualTo(3);
        }
    }

    @Test
    void manyConnectionsRunQueriesConcurrently() throws Exception {
        TestServer server = TestServer.shared();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_CONNECTIONS);
        try {
            List<Callable<Integer>> clients = new ArrayList<>();
            for (int client = 0; client < PARALLEL_CONNECTIONS; client++) {
                int offset = client;
                clients.add(() -> runTpchQueries(server, offset));
            }
            List<Future<Integer>> results = pool.invokeAll(clients, 60, TimeUnit.SECONDS);
            for (Future<Integer> result : results) {
                assertThat(result.isCancelled()).as("a client did not finish within 60 s").isFalse();
                assertThat(result.get()).isEqualTo(PARALLEL_QUERIES.size());
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Runs the chosen TPC-H queries, starting at a different one per client; returns how many were right. */
    private static int runTpchQueries(TestServer server, int offset) throws SQLException {
        int answered = 0;
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            for (int index = 0; index < PARALLEL_QUERIES.size(); index++) {
                int number = PARALLEL_QUERIES.get((index + offset) % PARALLEL_QUERIES.size());
                List<String> statements = TpchAnswers.statements(number);
                try (ResultSet result = statement.executeQuery(statements.get(statements.size() - 1))) {
                    TpchAnswers.assertAnswer(number, TpchAnswers.rows(result));
                }
                answered++;
            }
        }
        return answered;
    }

    /**
     * The driver 18.3.0 keeps {@code setCatalog}/{@code setSchema} on the client (Avatica
     * connection properties, no call to the server); queries keep resolving in the server's
     * default schema.
     */
    @Test
    void acceptsCatalogAndSchemaChangesOnTheConnection() throws SQLException {
        try (Connection connection = TestServer.shared().connect()) {
            try {
                connection.setCatalog("pondhouse");
                connection.setSchema("tpch");
            } catch (SQLFeatureNotSupportedException unsupported) {
                Assumptions.abort("the driver does not support setCatalog/setSchema: " + unsupported.getMessage());
            }
            assertThat(connection.getCatalog()).isEqualTo("pondhouse");
            assertThat(connection.getSchema()).isEqualTo("tpch");
            try (Statement statement = connection.createStatement()) {
                assertThat(count(statement, "SELECT count(*) FROM nation")).isEqualTo(25);
            }
        }
    }

    /**
     * The JDBC driver's {@code catalog} connection property becomes the Flight SQL session option
     * {@code catalog}; here the options are set with the Flight SQL client directly, because the
     * driver 18.3.0 closes its client twice when that property is set, so {@code Connection.close()}
     * fails with "Channel shutdown invoked" after the session was already closed.
     */
    @Test
    void sessionOptionsSelectCatalogAndSchema() throws Exception {
        try (BufferAllocator allocator = new RootAllocator()) {
            FlightClient client = FlightClient.builder(allocator,
                    Location.forGrpcInsecure("127.0.0.1", TestServer.shared().port())).build();
            // Closing the Flight SQL client closes the Flight client.
            try (FlightSqlClient sqlClient = new FlightSqlClient(client)) {
                Optional<CredentialCallOption> credentials = client.authenticateBasicToken(TestServer.USER, TestServer.PASSWORD);
                assertThat(credentials).isPresent();
                CallOption[] options = {credentials.get()};

                SetSessionOptionsResult set = sqlClient.setSessionOptions(new SetSessionOptionsRequest(Map.of(
                        "catalog", SessionOptionValueFactory.makeSessionOptionValue("pondhouse"),
                        "schema", SessionOptionValueFactory.makeSessionOptionValue("tpch"))), options);
                assertThat(set.getErrors()).isEmpty();
                GetSessionOptionsResult current = sqlClient.getSessionOptions(new GetSessionOptionsRequest(), options);
                assertThat(current.getSessionOptions().get("catalog")).isEqualTo(SessionOptionValueFactory.makeSessionOptionValue("pondhouse"));
                assertThat(current.getSessionOptions().get("schema")).isEqualTo(SessionOptionValueFactory.makeSessionOptionValue("tpch"));

                SetSessionOptionsResult unknown = sqlClient.setSessionOptions(new SetSessionOptionsRequest(Map.of(
                        "no_such_option", SessionOptionValueFactory.makeSessionOptionValue("x"))), options);
                assertThat(unknown.getErrors()).containsOnlyKeys("no_such_option");

                assertThatThrownBy(() -> sqlClient.setSessionOptions(new SetSessionOptionsRequest(Map.of(
                        "catalog", SessionOptionValueFactory.makeSessionOptionValue("no_such_catalog"))), options))
                        .isInstanceOf(FlightRuntimeException.class)
                        .hasMessageContaining("no_such_catalog");

                CloseSessionResult closed = sqlClient.closeSession(new CloseSessionRequest(), options);
                assertThat(closed.getStatus()).isEqualTo(CloseSessionResult.Status.CLOSED);
            }
        }
    }

    @Test
    void serverKeepsServingAfterConnectionsClose() throws SQLException {
        TestServer server = TestServer.shared();
        for (int round = 0; round < 5; round++) {
            try (Connection connection = server.connect(); Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT * FROM lineitem")) {
                // Leave most of the result unread: closing must end it on the server.
                assertThat(result.next()).isTrue();
            }
            try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
                assertThat(count(statement, "SELECT count(*) FROM tpch.region")).isEqualTo(5);
            }
        }
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            assertThat(count(statement, "SELECT count(*) FROM orders")).isEqualTo(15_000);
        }
    }

    @Test
    void closedConnectionsDoNotUseUpTheSessionLimit() throws SQLException {
        TestServer server = TestServer.start(Map.of("sessions.max", "3"));
        try {
            for (int round = 1; round <= 5; round++) {
                try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
                    assertThat(count(statement, "SELECT count(*) FROM region")).as("connection %d", round).isEqualTo(5);
                }
            }
        } finally {
            server.stop();
        }
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).isTrue();
            return result.getLong(1);
        }
    }
}
