package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.engine.SqlIdentifiers;
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
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query run or prepared again in the same session runs without a separate DuckDB prepare,
 * announcing the shape the session remembered; when the table behind it gets other columns, the
 * announcement follows, and a handle prepared before the change fails as a conflict rather than
 * stream columns it did not announce.
 *
 * <p>The lake is a plain folder with table {@code shop.items}, three rows of one BIGINT column
 * {@code id} at the start, refreshed every 200 ms.
 */
class RememberedQueryShapesTest {
    @TempDir
    Path lake;

    private TestServer server;
    private BufferAllocator allocator;
    private FlightClient flight;
    private FlightSqlClient client;
    private CallOption credentials;

    @BeforeEach
    void startServer() throws Exception {
        writeItems("part-1.parquet", "SELECT range AS id FROM range(3)");
        server = TestServer.start(Map.of("lake.root", lake.toString(), "lake.default-schema", "shop",
                "lake.refresh-interval", "200ms"));
        allocator = new RootAllocator();
        flight = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port())).build();
        client = new FlightSqlClient(flight);
        credentials = flight.authenticateBasicToken(TestServer.USER, TestServer.PASSWORD).orElseThrow();
    }

    @AfterEach
    void stopServer() throws Exception {
        try {
            client.close();
            allocator.close();
        } finally {
            server.stop();
        }
    }

    @Test
    void theAnnouncedColumnsFollowTheTableWhenItsColumnsChange() throws Exception {
        String sql = "SELECT * FROM items ORDER BY id";
        for (int run = 0; run < 3; run++) {
            assertThat(execute(sql)).isEqualTo(new Execution(List.of("id"), List.of("id"), 3));
        }

        writeItems("part-2.parquet", "SELECT range AS id, 'item ' || range AS name FROM range(5)");
        Files.delete(lake.resolve("shop/items/part-1.parquet"));
        awaitRows(5);

        // From now on the session must not announce the columns it remembered before the change.
        for (int run = 0; run < 3; run++) {
            assertThat(execute(sql)).isEqualTo(new Execution(List.of("id", "name"), List.of("id", "name"), 5));
        }
    }

    @Test
    void aPreparedHandleFollowsTheLakeAndFailsAsAConflictWhenItsColumnsChanged() throws Exception {
        String sql = "SELECT id FROM items";
        String withParameter = "SELECT id FROM items WHERE id >= ?";
        List<FlightSqlClient.PreparedStatement> handles = new ArrayList<>();
        try {
            // The first is prepared in DuckDB; the session then knows the shape, and the next two
            // handles of the same text have no DuckDB statement. A query with a parameter always
            // gets one.
            FlightSqlClient.PreparedStatement first = prepare(sql, handles);
            FlightSqlClient.PreparedStatement again = prepare(sql, handles);
            FlightSqlClient.PreparedStatement thirdTime = prepare(sql, handles);
            FlightSqlClient.PreparedStatement parameterized = prepare(withParameter, handles);
            FlightSqlClient.PreparedStatement parameterizedAgain = prepare(withParameter, handles);
            for (FlightSqlClient.PreparedStatement prepared : List.of(first, again, thirdTime)) {
                assertThat(execute(prepared)).isEqualTo(new Execution(List.of("id"), List.of("id"), 3));
            }
            assertThat(parameterizedAgain.getParameterSchema().getFields()).hasSize(1);
            for (FlightSqlClient.PreparedStatement prepared : List.of(parameterized, parameterizedAgain)) {
                bind(prepared, 1);
                assertThat(execute(prepared)).isEqualTo(new Execution(List.of("id"), List.of("id"), 2));
            }

            // Same columns, more rows: a handle prepared before sees the new version.
            writeItems("part-2.parquet", "SELECT range + 3 AS id FROM range(5)");
            awaitRows(8);
            assertThat(execute(again)).isEqualTo(new Execution(List.of("id"), List.of("id"), 8));

            // Other columns: a handle announced as one BIGINT column must not stream another type,
            // neither the one DuckDB prepared nor one made from the remembered shape.
            Files.delete(lake.resolve("shop/items/part-1.parquet"));
            Files.delete(lake.resolve("shop/items/part-2.parquet"));
            writeItems("part-3.parquet", "SELECT 'item ' || range AS id FROM range(4)");
            awaitRows(4);
            for (FlightSqlClient.PreparedStatement prepared : List.of(first, thirdTime)) {
                assertThatThrownBy(() -> execute(prepared))
                        .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                            assertThat(e.status().code()).isEqualTo(FlightStatusCode.ALREADY_EXISTS);
                            assertThat(e.getMessage()).contains("changed their columns since it was prepared");
                        });
            }
            // Prepared again, the statement announces and streams the new column.
            FlightSqlClient.PreparedStatement fresh = prepare(sql, handles);
            assertThat(fresh.getResultSetSchema().getFields().get(0).getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
            assertThat(execute(fresh).rows()).isEqualTo(4);
        } finally {
            for (FlightSqlClient.PreparedStatement handle : handles) {
                handle.close(credentials);
            }
        }
    }

    private void writeItems(String file, String query) throws Exception {
        Path path = lake.resolve("shop/items").resolve(file);
        Files.createDirectories(path.getParent());
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (" + query + ") TO " + SqlIdentifiers.literal(path.toString()) + " (FORMAT parquet)");
        }
    }

    /** What one execution announced and what its stream carried. */
    private record Execution(List<String> announced, List<String> streamed, long rows) {}

    private Execution execute(String sql) throws Exception {
        FlightInfo info = client.execute(sql, credentials);
        return read(info, info.getSchemaOptional().orElseThrow());
    }

    private Execution execute(FlightSqlClient.PreparedStatement prepared) throws Exception {
        return read(prepared.execute(credentials), prepared.getResultSetSchema());
    }

    private Execution read(FlightInfo info, Schema announced) throws Exception {
        try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket(), credentials)) {
            long rows = 0;
            while (stream.next()) {
                rows += stream.getRoot().getRowCount();
            }
            return new Execution(names(announced), names(stream.getSchema()), rows);
        }
    }

    /**
     * Waits for a refresh to serve the files as written: {@code items} has {@code rows} rows. A plain
     * folder changes file by file, so until then the view may still name a deleted file.
     */
    private void awaitRows(long rows) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long seen = -1;
        while (seen != rows && System.nanoTime() < deadline) {
            Thread.sleep(100);
            try {
                seen = execute("SELECT * FROM items").rows();
            } catch (FlightRuntimeException beforeTheRefresh) {
                // A deleted file: the query asked for a refresh, which ends this.
                assertThat(beforeTheRefresh.status().code()).isEqualTo(FlightStatusCode.UNAVAILABLE);
            }
        }
        assertThat(seen).as("the refresh served the files written").isEqualTo(rows);
    }

    private FlightSqlClient.PreparedStatement prepare(String sql, List<FlightSqlClient.PreparedStatement> handles) {
        FlightSqlClient.PreparedStatement prepared = client.prepare(sql, credentials);
        handles.add(prepared);
        return prepared;
    }

    private void bind(FlightSqlClient.PreparedStatement prepared, long value) {
        VectorSchemaRoot parameters = VectorSchemaRoot.create(prepared.getParameterSchema(), allocator);
        ((BigIntVector) parameters.getVector(0)).setSafe(0, value);
        parameters.setRowCount(1);
        prepared.setParameters(parameters);
    }

    private static List<String> names(Schema schema) {
        return schema.getFields().stream().map(Field::getName).toList();
    }
}
