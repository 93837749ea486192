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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of a plain Parquet folder replaced between two lake refreshes: a query that reads a file
 * that is gone fails as unavailable, saying so, and makes the server refresh the lake at once, so
 * the next query reads the files there are now instead of failing until the next scheduled
 * refresh (an hour away here).
 */
class LakeFileGoneTest {
    @TempDir
    Path lake;

    private void writeItems(String file, int rows) throws Exception {
        Path path = lake.resolve("shop/items").resolve(file);
        Files.createDirectories(path.getParent());
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(" + rows + ")) TO "
                    + SqlIdentifiers.literal(path.toString()) + " (FORMAT parquet)");
        }
    }

    private static long count(FlightSqlClient client, CallOption credentials) throws Exception {
        FlightInfo info = client.execute("SELECT count(*) FROM items", credentials);
        try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket(), credentials)) {
            assertThat(stream.next()).isTrue();
            return ((BigIntVector) stream.getRoot().getVector(0)).get(0);
        }
    }

    @Test
    void aQueryReadingAReplacedFileFailsAsUnavailableAndTheLakeIsRefreshed() throws Exception {
        writeItems("part-1.parquet", 3);
        TestServer server = TestServer.start(Map.of("lake.root", lake.toString(), "lake.default-schema", "shop",
                "lake.refresh-interval", "1h"));
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient flight = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port())).build();
                FlightSqlClient client = new FlightSqlClient(flight)) {
            CallOption credentials = flight.authenticateBasicToken(TestServer.USER, TestServer.PASSWORD).orElseThrow();
            assertThat(count(client, credentials)).isEqualTo(3);

            writeItems("part-2.parquet", 5);
            Files.delete(lake.resolve("shop/items/part-1.parquet"));
            assertThatThrownBy(() -> count(client, credentials))
                    .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                        assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAVAILABLE);
                        assertThat(e.getMessage())
                                .contains("a file of the lake was removed or replaced since the lake was last refreshed")
                                .doesNotContain(lake.toString());
                    });

            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            long rows = -1;
            while (rows != 5 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                try {
                    rows = count(client, credentials);
                } catch (FlightRuntimeException beforeTheRefresh) {
                    assertThat(beforeTheRefresh.status().code()).isEqualTo(FlightStatusCode.UNAVAILABLE);
                }
            }
            assertThat(rows).as("the failed query made the server refresh the lake").isEqualTo(5);
        } finally {
            server.stop();
        }
    }
}
