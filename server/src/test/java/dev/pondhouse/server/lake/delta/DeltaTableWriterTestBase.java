package dev.pondhouse.server.lake.delta;

import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.delta.KernelTableReader.KernelTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the table writer's tests share: a writer DuckDB connection, a table {@code expected} in it
 * that tracks the rows the table should hold, test rows, and reading the table with Delta Kernel.
 */
abstract class DeltaTableWriterTestBase {
    static final String ROOT = "sales/orders/";
    static final List<String> COLUMNS = List.of("id", "region", "day", "amount", "ts", "note");

    @TempDir
    Path directory;

    Connection duckdb;
    private int copies;

    /** A store for this test, empty. */
    protected abstract BlobStore store();

    @BeforeEach
    void openDuckDb() throws SQLException {
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        execute(duckdb, "CREATE TABLE expected AS " + rows(0, 0));
    }

    @AfterEach
    void closeDuckDb() throws SQLException {
        duckdb.close();
    }

    /**
     * {@code count} rows with ids from {@code firstId}: partition values with characters that need
     * escaping and nulls, a decimal, a timestamp and a nullable string.
     */
    static String rows(long firstId, int count) {
        return """
                SELECT (range + %d)::BIGINT AS id,
                  CASE range %% 4 WHEN 0 THEN 'north' WHEN 1 THEN 'south west' WHEN 2 THEN 'a/b:c=d%%' ELSE NULL END AS region,
                  DATE '2024-01-01' + (range %% 3)::INTEGER AS day,
                  (range * 1.25)::DECIMAL(10,2) AS amount,
                  TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (range * 7) SECOND AS ts,
                  CASE WHEN range %% 5 = 0 THEN NULL ELSE 'n' || range END AS note
                FROM range(%d)""".formatted(firstId, count);
    }

    DeltaTableWriter writer(BlobStore store, DeltaWriterSettings settings) {
        CommitFileFormat format = new CommitFileFormat();
        return new DeltaTableWriter(store, ROOT, format,
                new DuckDbCheckpointReader(store, directory.resolve("checkpoint-reads"), format),
                directory.resolve("work"), Clock.systemUTC(), settings);
    }

    /** Appends {@code sql}'s rows to the table and to the expected rows. */
    WriteResult append(DeltaTableWriter writer, String sql) throws SQLException {
        WriteResult result = writer.write(duckdb, WriteRequest.append(TableData.query(sql)));
        execute(duckdb, "INSERT INTO expected " + sql);
        return result;
    }

    /** The expected rows in the text form of {@link KernelTableReader}, sorted. */
    List<String> expectedRows(Connection connection) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("""
                SELECT concat_ws('|', id::VARCHAR, coalesce(region, 'NULL'), day::VARCHAR, amount::VARCHAR,
                  epoch_us(ts)::VARCHAR, coalesce(note, 'NULL')) FROM expected""")) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows.stream().sorted().toList();
    }

    /** The table as Delta Kernel reads it, from a local copy of its folder. */
    KernelTable kernelRead(BlobStore store, List<String> columns) throws Exception {
        Path copy = directory.resolve("copy-" + copies++);
        for (BlobEntry entry : store.list(ROOT)) {
            Path target = copy.resolve(entry.name().substring(ROOT.length()));
            Files.createDirectories(target.getParent());
            store.download(entry.name(), target);
        }
        return KernelTableReader.read(copy, columns);
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static List<String> sorted(List<String> rows) {
        return rows.stream().sorted().toList();
    }
}
