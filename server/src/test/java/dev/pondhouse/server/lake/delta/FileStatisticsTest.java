package dev.pondhouse.server.lake.delta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.engine.SqlIdentifiers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStatisticsTest {
    @TempDir
    Path folder;

    @Test
    void exactBoundsForNumbersAndDatesNullCountsForEverything() throws Exception {
        Path file = folder.resolve("part.parquet");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT * FROM (VALUES "
                    + "(5::BIGINT, 2.25::DECIMAL(15,2), DATE '2026-01-02', 'b', 1.5::DOUBLE), "
                    + "(-3::BIGINT, 10.00::DECIMAL(15,2), NULL, 'a', NULL), "
                    + "(NULL, 0.10::DECIMAL(15,2), DATE '2025-12-31', NULL, 2.5::DOUBLE)) "
                    + "AS t(id, price, day, name, ratio)) TO " + SqlIdentifiers.literal(file.toString()) + " (FORMAT parquet)");

            String stats = FileStatistics.of(duckdb, file, List.of(
                    new DeltaSchemas.Column("id", "BIGINT"),
                    new DeltaSchemas.Column("price", "DECIMAL(15,2)"),
                    new DeltaSchemas.Column("day", "DATE"),
                    new DeltaSchemas.Column("name", "VARCHAR"),
                    new DeltaSchemas.Column("ratio", "DOUBLE")));

            assertThat(stats).isEqualTo("{\"numRecords\":3,"
                    + "\"minValues\":{\"id\":-3,\"price\":0.10,\"day\":\"2025-12-31\"},"
                    + "\"maxValues\":{\"id\":5,\"price\":10.00,\"day\":\"2026-01-02\"},"
                    + "\"nullCount\":{\"id\":1,\"price\":0,\"day\":1,\"name\":1,\"ratio\":1}}");
        }
    }

    @Test
    void aColumnOfOnlyNullsHasNoBounds() throws Exception {
        Path file = folder.resolve("nulls.parquet");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT NULL::INTEGER AS n FROM range(4)) TO " + SqlIdentifiers.literal(file.toString())
                    + " (FORMAT parquet)");

            assertThat(FileStatistics.of(duckdb, file, List.of(new DeltaSchemas.Column("n", "INTEGER"))))
                    .isEqualTo("{\"numRecords\":4,\"minValues\":{},\"maxValues\":{},\"nullCount\":{\"n\":4}}");
        }
    }
}
