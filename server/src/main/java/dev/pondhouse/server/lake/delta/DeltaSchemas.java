package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private static final Pattern DELTA_DECIMAL = Pattern.compile("decimal\\((\\d+),\\s*(\\d+)\\)");

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

    /**
     * The top-level fields of a Delta {@code schemaString}, in order: name to type (a primitive
     * type's name such as {@code long}, or the JSON text of a nested type).
     *
     * @throws DeltaLogException if it is not a Delta struct schema
     */
    static Map<String, String> fields(String schemaString) {
        JsonNode schema;
        try {
            schema = JSON.readTree(schemaString);
        } catch (JsonProcessingException e) {
            throw DeltaLogException.corrupt("the table schema is not JSON: " + e.getOriginalMessage(), e);
        }
        if (schema == null || !schema.path("fields").isArray()) {
            throw DeltaLogException.corrupt("the table schema is not a Delta struct type: " + schemaString);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (JsonNode field : schema.get("fields")) {
            JsonNode type = field.path("type");
            fields.put(field.path("name").asText(), type.isTextual() ? type.textValue() : type.toString());
        }
        return fields;
    }

    /**
     * Why data with {@code columns} cannot be written into a table whose schema is
     * {@code schemaString} without changing the schema: one entry per missing, extra or differently
     * typed column, naming it. Empty when they match (column order does not matter: readers match
     * columns by name).
     */
    static List<String> differences(String schemaString, List<Column> columns) {
        Map<String, String> table = fields(schemaString);
        Map<String, String> data = new LinkedHashMap<>();
        for (Column column : columns) {
            data.put(column.name(), deltaType(column));
        }
        List<String> differences = new ArrayList<>();
        table.forEach((name, type) -> {
            if (!data.containsKey(name)) {
                differences.add("column " + name + " (" + type + ") is missing from the data");
            } else if (!data.get(name).equals(type)) {
                differences.add("column " + name + " is " + type + " in the table but " + data.get(name) + " in the data");
            }
        });
        data.forEach((name, type) -> {
            if (!table.containsKey(name)) {
                differences.add("column " + name + " (" + type + ") is not in the table");
            }
        });
        return differences;
    }

    /**
     * The columns of a Delta {@code schemaString} with their DuckDB types, in order: {@code long} is
     * {@code BIGINT}, {@code timestamp} is {@code TIMESTAMP WITH TIME ZONE}, and so on. For reading a
     * table's partition values from folder names, and for an empty table's columns.
     *
     * @throws DeltaLogException if the schema is not a Delta struct, or a column has a type with no
     *     DuckDB equivalent here (nested types)
     */
    public static List<Column> duckDbColumns(String schemaString) {
        List<Column> columns = new ArrayList<>();
        fields(schemaString).forEach((name, deltaType) -> columns.add(new Column(name, duckDbType(name, deltaType))));
        return columns;
    }

    private static String duckDbType(String column, String deltaType) {
        Matcher decimal = DELTA_DECIMAL.matcher(deltaType);
        if (decimal.matches()) {
            return "DECIMAL(" + decimal.group(1) + "," + decimal.group(2) + ")";
        }
        return switch (deltaType) {
            case "boolean" -> "BOOLEAN";
            case "byte" -> "TINYINT";
            case "short" -> "SMALLINT";
            case "integer" -> "INTEGER";
            case "long" -> "BIGINT";
            case "float" -> "FLOAT";
            case "double" -> "DOUBLE";
            case "string" -> "VARCHAR";
            case "binary" -> "BLOB";
            case "date" -> "DATE";
            case "timestamp" -> "TIMESTAMP WITH TIME ZONE";
            case "timestamp_ntz" -> "TIMESTAMP";
            default -> throw DeltaLogException.unsupported("column " + column + " has the Delta type " + deltaType
                    + ", which this server does not map to a DuckDB type");
        };
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

    /** The columns DuckDB gives the result of {@code select} ({@code DESCRIBE}), with their DuckDB types. */
    public static List<Column> describe(Connection duckdb, String select) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (Statement statement = duckdb.createStatement(); ResultSet result = statement.executeQuery("DESCRIBE " + select)) {
            while (result.next()) {
                columns.add(new Column(result.getString("column_name"), result.getString("column_type")));
            }
        }
        return columns;
    }
}
