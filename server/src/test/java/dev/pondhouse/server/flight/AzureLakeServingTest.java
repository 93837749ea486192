package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.blob.AzureBlobStore;
import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig;
import dev.pondhouse.server.lake.blob.AzuriteServer;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.testing.BlobDeltaTables;
import dev.pondhouse.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose lake is an Azure container (Azurite), configured as a user would, queried through
 * the Flight SQL JDBC driver: Delta tables served from the cache, commits made elsewhere picked up,
 * external CSV and Parquet sources beside them.
 */
@ExtendWith(AzuriteServer.Extension.class)
class AzureLakeServingTest {
    @TempDir
    Path folder;

    private AzuriteServer azurite;
    private String container;
    private BlobStore store;
    private BlobDeltaTables tables;

    @BeforeEach
    void createContainer(AzuriteServer azurite) {
        this.azurite = azurite;
        container = AzuriteServer.uniqueContainerName();
        new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient().createBlobContainer(container);
        store = AzureBlobStore.fromConfig(new AzureBlobStoreConfig(container, Optional.empty(),
                new AzureBlobStoreConfig.Authentication.ConnectionString(azurite.connectionString()),
                AzureBlobStoreConfig.Retry.DEFAULT));
        tables = new BlobDeltaTables(store, folder.resolve("scratch"));
    }

    /** The configuration file of a server on this test's container, with the connection string in a secret file. */
    private Optional<Path> config(String extraLakeKeys) throws Exception {
        Path secret = folder.resolve("connection-string");
        Files.writeString(secret, azurite.connectionString());
        Path file = folder.resolve("pondhouse.yaml");
        Files.writeString(file, """
                lake:
                  store: azure
                  default-schema: sales
                  refresh-interval: 200ms
                  azure:
                    container: %s
                    prefix: lake/
                    connection-string-file: %s
                %s
                cache:
                  directory: %s
                """.formatted(container, secret, extraLakeKeys.indent(2).stripTrailing(), folder.resolve("cache")));
        return Optional.of(file);
    }

    @Test
    void servesDeltaTablesFromTheContainerAndPicksUpNewCommits() throws Exception {
        tables.create("lake/sales/orders/", List.of(),
                tables.upload("lake/sales/orders/", "part-1.parquet", "SELECT 1::BIGINT AS id"));

        TestServer server = TestServer.start(config(""), Map.of("lake.default-schema", "sales"));
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            assertThat(count(statement, "orders")).isEqualTo(1);
            try (Stream<Path> cached = Files.walk(folder.resolve("cache"))) {
                assertThat(cached.map(Path::toString)).anyMatch(path -> path.endsWith("lake/sales/orders/part-1.parquet"));
            }

            AddFile appended = tables.upload("lake/sales/orders/", "part-2.parquet", "SELECT 2::BIGINT AS id FROM range(4)");
            tables.commit("lake/sales/orders/", 0, appended);
            long committed = System.nanoTime();
            long seen = count(statement, "orders");
            while (seen == 1 && System.nanoTime() - committed < 20_000_000_000L) {
                Thread.sleep(50);
                seen = count(statement, "orders");
            }
            assertThat(seen).as("rows after the commit, polled for at most 20 s").isEqualTo(5);
        } finally {
            server.stop();
        }
    }

    @Test
    void servesExternalCsvAndParquetSources() throws Exception {
        tables.create("lake/sales/orders/", List.of(),
                tables.upload("lake/sales/orders/", "part-1.parquet", "SELECT 1::BIGINT AS id"));
        Path csv = folder.resolve("orders.csv");
        Files.writeString(csv, "order_id,amount\n1,10.5\n2,20.25\n");
        store.upload("raw/orders/2026-01.csv", csv);
        Files.writeString(csv, "order_id,amount\n3,5.0\n");
        store.upload("raw/orders/2026-02.csv", csv);
        store.upload("raw/orders/_SUCCESS", csv);
        Path prices = Files.createDirectories(folder.resolve("prices/region=eu"));
        writeParquet(prices.resolve("p.parquet"), "SELECT 'apple' AS item, 3 AS price");

        TestServer server = TestServer.start(config("""
                sources:
                  - name: raw.orders
                    prefix: raw/orders/
                    format: csv
                  - name: raw.prices
                    path: %s
                """.formatted(folder.resolve("prices"))), Map.of("lake.default-schema", "sales"));
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            try (ResultSet result = statement.executeQuery("SELECT count(*), sum(amount) FROM raw.orders")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getLong(1)).isEqualTo(3);
                assertThat(result.getDouble(2)).isEqualTo(35.75);
            }
            try (ResultSet result = statement.executeQuery("SELECT item, price, region FROM raw.prices")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getString(1)).isEqualTo("apple");
                assertThat(result.getInt(2)).isEqualTo(3);
                assertThat(result.getString(3)).isEqualTo("eu");
            }

            Files.writeString(csv, "order_id,amount\n3,5.0\n4,100.0\n");
            store.upload("raw/orders/2026-02.csv", csv); // rewritten in place: a new ETag
            long rewritten = System.nanoTime();
            long seen = count(statement, "raw.orders");
            while (seen == 3 && System.nanoTime() - rewritten < 20_000_000_000L) {
                Thread.sleep(50);
                seen = count(statement, "raw.orders");
            }
            assertThat(seen).isEqualTo(4);
            assertThat(count(statement, "orders")).isEqualTo(1);
        } finally {
            server.stop();
        }
    }

    private static void writeParquet(Path file, String query) throws Exception {
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (" + query + ") TO " + SqlIdentifiers.literal(file.toString()) + " (FORMAT parquet)");
        }
    }

    private static long count(Statement statement, String table) throws Exception {
        try (ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
            result.next();
            return result.getLong(1);
        }
    }
}
