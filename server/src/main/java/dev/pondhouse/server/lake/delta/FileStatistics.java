package dev.pondhouse.server.lake.delta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pondhouse.server.engine.SqlIdentifiers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * The {@code stats} of an {@code add} action, computed exactly by DuckDB over the whole file:
 * {@code numRecords}, {@code nullCount} for every column, and {@code minValues}/{@code maxValues}
 * only for types whose values compare and print exactly the way Delta readers expect (integers,
 * decimals, dates). Strings (readers truncate them), floating point (NaN), timestamps (time zone
 * rendering) and booleans carry no min/max: a missing bound makes readers scan the file, a wrong one
 * makes them skip rows silently.
 */
final class FileStatistics {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FileStatistics() {}

    static String of(Connection duckdb, Path file, List<DeltaSchemas.Column> columns) throws SQLException {
        StringBuilder select = new StringBuilder("SELECT count(*)");
        for (DeltaSchemas.Column column : columns) {
            String name = SqlIdentifiers.quote(column.name());
            select.append(", count(*) - count(").append(name).append(')');
            if (hasExactBounds(column)) {
                select.append(", min(").append(name).append(")::VARCHAR, max(").append(name).append(")::VARCHAR");
            }
        }
        select.append(" FROM read_parquet(").append(SqlIdentifiers.literal(file.toString())).append(')');
        ObjectNode stats = JSON.createObjectNode();
        try (Statement statement = duckdb.createStatement(); ResultSet result = statement.executeQuery(select.toString())) {
            result.next();
            stats.put("numRecords", result.getLong(1));
            ObjectNode minValues = JSON.createObjectNode();
            ObjectNode maxValues = JSON.createObjectNode();
            ObjectNode nullCount = JSON.createObjectNode();
            int index = 2;
            for (DeltaSchemas.Column column : columns) {
                nullCount.put(column.name(), result.getLong(index++));
                if (hasExactBounds(column)) {
                    String min = result.getString(index++);
                    String max = result.getString(index++);
                    if (min != null) {
                        put(minValues, column, min);
                        put(maxValues, column, max);
                    }
                }
            }
            stats.set("minValues", minValues);
            stats.set("maxValues", maxValues);
            stats.set("nullCount", nullCount);
        }
        try {
            return JSON.writeValueAsString(stats);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write file statistics", e);
        }
    }

    private static boolean hasExactBounds(DeltaSchemas.Column column) {
        String delta = DeltaSchemas.deltaType(column);
        return delta.equals("byte") || delta.equals("short") || delta.equals("integer") || delta.equals("long")
                || delta.equals("date") || delta.startsWith("decimal(");
    }

    /** Numbers as JSON numbers (decimals exactly, as written), dates as ISO strings. */
    private static void put(ObjectNode values, DeltaSchemas.Column column, String value) {
        String delta = DeltaSchemas.deltaType(column).toLowerCase(Locale.ROOT);
        if (delta.equals("date")) {
            values.put(column.name(), value);
        } else if (delta.startsWith("decimal(")) {
            values.put(column.name(), new java.math.BigDecimal(value));
        } else {
            values.put(column.name(), Long.parseLong(value));
        }
    }
}
