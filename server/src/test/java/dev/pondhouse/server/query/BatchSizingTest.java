package dev.pondhouse.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class BatchSizingTest {
    private static int rows(String sql, long targetBytes, int maximumRows) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement statement = connection.prepareStatement(sql)) {
            return BatchSizing.rowsPerBatch(statement.getMetaData(), targetBytes, maximumRows);
        }
    }

    @Test
    void narrowRowsGetManyRowsPerBatchWideRowsFewer() throws SQLException {
        int narrow = rows("SELECT 1::INTEGER AS a", 1 << 20, 1_000_000);
        int wide = rows("SELECT 1::INTEGER AS a, 'x' AS b, 'y' AS c, 2.5::DECIMAL(15,2) AS d", 1 << 20, 1_000_000);

        assertThat(narrow).isEqualTo((1 << 20) / 4);
        assertThat(wide).isEqualTo((1 << 20) / (4 + 36 + 36 + 16));
        assertThat(wide).isLessThan(narrow);
    }

    @Test
    void stayWithinTheBounds() throws SQLException {
        assertThat(rows("SELECT 1::BIGINT AS a", 1 << 30, 65_536)).isEqualTo(65_536);
        assertThat(rows("SELECT 'x' AS a, 'y' AS b", 10, 65_536)).isEqualTo(BatchSizing.MINIMUM_ROWS);
        assertThat(rows("SELECT 'x' AS a", 10, 100)).as("a maximum below the minimum wins").isEqualTo(100);
    }
}
