package dev.pondhouse.server.lake.maintenance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.lake.delta.DeltaLogException;
import dev.pondhouse.server.lake.delta.DeltaSchemas;
import dev.pondhouse.server.lake.delta.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A table's columns as compaction declares them for {@link dev.pondhouse.server.lake.delta.TableData.StagedFiles}:
 * in the schema's order, data columns with the DuckDB types of the rewritten files, partition columns
 * (which the files do not hold) with the DuckDB type of their Delta type.
 */
final class TableColumns {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),\\s*(\\d+)\\)");

    private final Map<String, String> deltaTypes;
    private final List<String> partitionColumns;

    private TableColumns(Map<String, String> deltaTypes, List<String> partitionColumns) {
        this.deltaTypes = deltaTypes;
        this.partitionColumns = List.copyOf(partitionColumns);
    }

    static TableColumns of(Snapshot snapshot) {
        JsonNode schema;
        try {
            schema = JSON.readTree(snapshot.metadata().schemaString());
        } catch (JsonProcessingException e) {
            throw new DeltaLogException(ErrorKind.INTERNAL, "the table schema is not JSON: " + e.getOriginalMessage(), e);
        }
        if (schema == null || !schema.path("fields").isArray()) {
            throw new DeltaLogException(ErrorKind.INTERNAL, "the table schema is not a Delta struct type");
        }
        Map<String, String> types = new LinkedHashMap<>();
        for (JsonNode field : schema.get("fields")) {
            JsonNode type = field.path("type");
            types.put(field.path("name").asText(), type.isTextual() ? type.textValue() : type.toString());
        }
        return new TableColumns(types, snapshot.metadata().partitionColumns());
    }

    /**
     * Every column of the table, in schema order: the data columns as {@code fileColumns} (a rewritten
     * file's columns) type them, the partition columns by their Delta type.
     */
    List<DeltaSchemas.Column> declared(List<DeltaSchemas.Column> fileColumns) {
        Map<String, DeltaSchemas.Column> byName = new LinkedHashMap<>();
        fileColumns.forEach(column -> byName.put(column.name(), column));
        List<DeltaSchemas.Column> columns = new ArrayList<>();
        for (String name : deltaTypes.keySet()) {
            if (partitionColumns.contains(name)) {
                columns.add(new DeltaSchemas.Column(name, duckDbType(name, deltaTypes.get(name))));
            } else if (byName.containsKey(name)) {
                columns.add(byName.remove(name));
            }
            // A column missing from the files is reported by the writer's schema check.
        }
        columns.addAll(byName.values());
        return columns;
    }

    private static String duckDbType(String column, String deltaType) {
        Matcher decimal = DECIMAL.matcher(deltaType);
        if (decimal.matches()) {
            return "DECIMAL(" + decimal.group(1) + "," + decimal.group(2) + ")";
        }
        return switch (deltaType) {
            case "string" -> "VARCHAR";
            case "byte" -> "TINYINT";
            case "short" -> "SMALLINT";
            case "integer" -> "INTEGER";
            case "long" -> "BIGINT";
            case "date" -> "DATE";
            case "boolean" -> "BOOLEAN";
            default -> throw new MaintenanceRefusedException(ErrorKind.UNSUPPORTED, "partition column " + column
                    + " has the Delta type " + deltaType + ", which compaction does not handle; nothing was changed");
        };
    }
}
