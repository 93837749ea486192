package dev.pondhouse.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.config.EngineSection;
import dev.pondhouse.server.config.LakeSection;
import dev.pondhouse.server.lake.FolderLakeCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder lake served as views by a locked-down engine: discovery, partitions, snapshots, removal. */
class ViewPublisherTest {
    @TempDir
    Path lake;

    @TempDir
    Path spill;

    private QueryEngine engine;
    private ViewPublisher publisher;

    @BeforeEach
    void start() throws Exception {
        engine = new QueryEngine(new EngineSection(null, 2, Optional.empty(), null),
                new LakeSection(lake, "pondhouse", "sales", Duration.ZERO), spill);
        engine.start();
        publisher = new ViewPublisher(engine, new FolderLakeCatalog(lake));
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
    }

    private void writeParquet(Path file, String query) throws SQLException, java.io.IOException {
        Files.createDirectories(file.getParent());
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("COPY (" + query + ") TO " + SqlIdentifiers.literal(file.toString()) + " (FORMAT parquet)");
        }
    }

    private List<List<Object>> query(String sql) throws SQLException {
        try (DuckDBConnection connection = engine.openSessionConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                for (int column = 1; column <= result.getMetaData().getColumnCount(); column++) {
                    row.add(result.getObject(column));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    @Test
    void servesTablesWithHivePartitionsAndIgnoresHiddenFiles() throws Exception {
        writeParquet(lake.resolve("sales/orders/part-1.parquet"), "SELECT 1 AS id, 10 AS amount");
        writeParquet(lake.resolve("sales/orders/part-2.parquet"), "SELECT 2 AS id, 20 AS amount");
        writeParquet(lake.resolve("sales/orders/_staging/part-3.parquet"), "SELECT 3 AS id, 30 AS amount");
        writeParquet(lake.resolve("sales/events/day=2026-01-01/part-1.parquet"), "SELECT 'a' AS name");
        writeParquet(lake.resolve("sales/events/day=2026-01-02/part-1.parquet"), "SELECT 'b' AS name");
        Files.createDirectories(lake.resolve("sales/empty"));
        Files.createDirectories(lake.resolve("sales/new_table"));
        Files.writeString(lake.resolve("sales/new_table/_pondhouse_job.lock"), "held");
        Files.createDirectories(lake.resolve("sales/stray"));
        Files.writeString(lake.resolve("sales/stray/notes.txt"), "not a table yet");

        assertThat(publisher.refresh()).isEqualTo(2);
        assertThat(publisher.problems()).as("a folder with only hidden entries is not a problem")
                .anySatisfy(problem -> assertThat(problem).contains("sales.stray"))
                .anySatisfy(problem -> assertThat(problem).contains("sales.empty"))
                .noneSatisfy(problem -> assertThat(problem).contains("sales.new_table"));

        assertThat(publisher.servedTables()).containsExactlyInAnyOrder("sales.orders", "sales.events");
        assertThat(query("SELECT sum(amount) FROM orders")).containsExactly(List.of(java.math.BigInteger.valueOf(30)));
        assertThat(query("SELECT name, CAST(day AS VARCHAR) FROM pondhouse.sales.events ORDER BY name"))
                .containsExactly(List.of("a", "2026-01-01"), List.of("b", "2026-01-02"));
    }

    @Test
    void aRefreshSwapsInNewFilesAndDropsRemovedTables() throws Exception {
        writeParquet(lake.resolve("sales/orders/part-1.parquet"), "SELECT 1 AS id");
        writeParquet(lake.resolve("sales/returns/part-1.parquet"), "SELECT 1 AS id");
        publisher.refresh();
        long published = publisher.version();

        assertThat(publisher.refresh()).as("nothing changed").isZero();
        assertThat(publisher.version()).as("same views, same version").isEqualTo(published);

        writeParquet(lake.resolve("sales/orders/part-2.parquet"), "SELECT 2 AS id");
        Files.delete(lake.resolve("sales/returns/part-1.parquet"));

        assertThat(publisher.refresh()).isEqualTo(2);
        assertThat(publisher.version()).as("views replaced and dropped").isGreaterThan(published);
        assertThat(query("SELECT count(*) FROM orders")).containsExactly(List.of(2L));
        assertThat(publisher.servedTables()).containsExactly("sales.orders");
        assertThat(query("SELECT count(*) FROM duckdb_views() WHERE view_name = 'returns'")).containsExactly(List.of(0L));
    }

    private static void run(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void sessionConnectionsAreLockedDown() throws Exception {
        Path outside = Files.createTempFile("pondhouse-outside", ".csv");
        try {
            Files.writeString(outside, "a\n1\n");
            try (DuckDBConnection connection = engine.openSessionConnection()) {
                assertThatThrownBy(() -> run(connection, "SELECT * FROM read_csv(" + SqlIdentifiers.literal(outside.toString()) + ")"))
                        .hasMessageContaining("Permission Error");
                assertThatThrownBy(() -> run(connection, "SET enable_external_access = true"))
                        .hasMessageContaining("locked");
            }
        } finally {
            Files.delete(outside);
        }
    }
}
