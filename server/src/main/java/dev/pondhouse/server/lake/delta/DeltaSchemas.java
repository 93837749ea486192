package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DuckDB column types as a Delta schema ({@code schemaString} of {@code metaData}), for tables at
 * reader 1 / writer 2 that Synapse, Spark, Trino and Power BI read. DuckDB's {@code TIMESTAMP}
 * becomes Delta {@code timestamp} (with time zone): {@code timestamp_ntz} would need a reader feature.
 * Types without a Delta equivalent (HUGEINT, unsigned integers, UUID, TIME, INTERVAL, ENUM, UNION,
 * nested types for now) are refused naming the column and the type; the writer casts them first.
 */
public final class DeltaSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");

    private DeltaSchemas() {}

    /** One column as DuckDB describes it. */
    public record Column(String name, String duckDbType) {
        public Column {
            requireNonNull(name, "name is null");
            requireNonNull(duckDbType, "duckDbType is null");
        }
    }

    /** The Delta {@code schemaString} for these columns, all nullable. */
    public static String schemaString(List<Column> columns) {
        ObjectNode schema = JSON.createObjectNode();
        schema.put("type", "struct");
        ArrayNode fields = schema.putArray("fields");
        for (Column column : columns) {
            ObjectNode field = fields.addObject();
            field.put("name", column.name());
            field.put("type", deltaType(column));
            field.put("nullable", true);
            field.putObject("metadata");
        }
        try {
            return JSON.writeValueAsString(schema);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a Delta schema", e);
        }
    }

    /** The Delta primitive type of a column, or an error naming the column and its type. */
    static String deltaType(Column column) {
        String type = column.duckDbType().strip().toUpperCase(Locale.ROOT);
        Matcher decimal = DECIMAL.matcher(type);
        if (decimal.matches()) {
            return "decimal(" + decimal.group(1) + "," + decimal.group(2) + ")";
        }
        return switch (type) {
            case "BOOLEAN" -> "boolean";
            case "TINYINT" -> "byte";
            case "SMALLINT" -> "short";
            case "INTEGER" -> "integer";
            case "BIGINT" -> "long";
            case "FLOAT" -> "float";
            case "DOUBLE" -> "double";
            case "VARCHAR" -> "string";
            case "BLOB" -> "binary";
            case "DATE" -> "date";
            case "TIMESTAMP", "TIMESTAMP WITH TIME ZONE" -> "timestamp";
            default -> throw new IllegalArgumentException("column " + column.name() + " has type " + column.duckDbType()
                    + ", which has no Delta equivalent at reader 1 / writer 2; cast it (e.g. HUGEINT to DECIMAL(38,0), "
                    + "UUID to VARCHAR, TIME to VARCHAR) before writing it to a Delta table");
        };
    }
}
