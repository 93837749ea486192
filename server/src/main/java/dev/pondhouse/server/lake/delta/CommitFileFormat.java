package dev.pondhouse.server.lake.delta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads and writes Delta commit files: newline-delimited JSON, one action per line, each line an
 * object with one field naming the action ({@code {"add":{...}}}). Reading follows the protocol's
 * rules for forward compatibility: unknown action types and unknown fields are ignored, required
 * fields must be present. Paths are URL-encoded in the file and decoded in the records (see
 * {@link LogPaths}). Stateless and thread-safe.
 */
public final class CommitFileFormat {
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * The known actions of a commit file, in file order.
     *
     * @param content the file's bytes (UTF-8)
     * @param source the file's name, for error messages
     * @throws DeltaLogException if a line is not JSON or a known action lacks a required field
     */
    public List<Action> parse(byte[] content, String source) {
        return parseLines(List.of(new String(content, StandardCharsets.UTF_8).split("\n")), source);
    }

    /**
     * The known actions of JSON lines in the commit file shape, in order. A field whose value is
     * {@code null} is absent (checkpoint rows, read as JSON, have one column per action type, all but
     * one null).
     *
     * @param lines one JSON object each; blank lines are skipped
     * @param source where the lines come from, for error messages
     * @throws DeltaLogException if a line is not JSON or a known action lacks a required field
     */
    public List<Action> parseLines(List<String> lines, String source) {
        List<Action> actions = new ArrayList<>();
        for (int index = 0; index < lines.size(); index++) {
            String line = lines.get(index).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = source + " line " + (index + 1);
            JsonNode node;
            try {
                node = mapper.readTree(line);
            } catch (JsonProcessingException e) {
                throw DeltaLogException.corrupt(where + " is not JSON: " + e.getOriginalMessage(), e);
            }
            if (!node.isObject()) {
                throw DeltaLogException.corrupt(where + " is not a JSON object");
            }
            for (Map.Entry<String, JsonNode> field : iterable(node)) {
                if (field.getValue().isNull()) {
                    continue;
                }
                ActionReader reader = new ActionReader(field.getValue(), where + " " + field.getKey());
                switch (field.getKey()) {
                    case "protocol" -> actions.add(reader.protocol());
                    case "metaData" -> actions.add(reader.metadata());
                    case "add" -> actions.add(reader.addFile());
                    case "remove" -> actions.add(reader.removeFile());
                    case "commitInfo" -> actions.add(reader.commitInfo());
                    case "txn" -> actions.add(reader.transaction());
                    default -> {
                        // Unknown action types (cdc, domainMetadata, ...) are ignored, as the protocol requires.
                    }
                }
            }
        }
        return List.copyOf(actions);
    }

    /** The commit file holding {@code actions}, one line each, in the given order, ending with a newline. */
    public byte[] write(List<Action> actions) {
        StringBuilder file = new StringBuilder();
        for (Action action : actions) {
            ObjectNode line = mapper.createObjectNode();
            if (action instanceof Protocol protocol) {
                writeProtocol(line.putObject("protocol"), protocol);
            } else if (action instanceof Metadata metadata) {
                writeMetadata(line.putObject("metaData"), metadata);
            } else if (action instanceof AddFile add) {
                writeAddFile(line.putObject("add"), add);
            } else if (action instanceof RemoveFile remove) {
                writeRemoveFile(line.putObject("remove"), remove);
            } else if (action instanceof CommitInfo commitInfo) {
                writeCommitInfo(line.putObject("commitInfo"), commitInfo);
            } else if (action instanceof Transaction transaction) {
                writeTransaction(line.putObject("txn"), transaction);
            } else {
                throw new IllegalArgumentException("unknown action " + action);
            }
            try {
                file.append(mapper.writeValueAsString(line)).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialize a tree of strings and numbers", e);
            }
        }
        return file.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void writeProtocol(ObjectNode node, Protocol protocol) {
        node.put("minReaderVersion", protocol.minReaderVersion());
        node.put("minWriterVersion", protocol.minWriterVersion());
        protocol.readerFeatures().ifPresent(features -> putStrings(node.putArray("readerFeatures"), features));
        protocol.writerFeatures().ifPresent(features -> putStrings(node.putArray("writerFeatures"), features));
    }

    private static void writeMetadata(ObjectNode node, Metadata metadata) {
        node.put("id", metadata.id());
        metadata.name().ifPresent(name -> node.put("name", name));
        metadata.description().ifPresent(description -> node.put("description", description));
        ObjectNode format = node.putObject("format");
        format.put("provider", metadata.format().provider());
        putStringMap(format.putObject("options"), metadata.format().options());
        node.put("schemaString", metadata.schemaString());
        putStrings(node.putArray("partitionColumns"), metadata.partitionColumns());
        putStringMap(node.putObject("configuration"), metadata.configuration());
        metadata.createdTime().ifPresent(createdTime -> node.put("createdTime", createdTime));
    }

    private static void writeAddFile(ObjectNode node, AddFile add) {
        node.put("path", LogPaths.encode(add.path()));
        putPartitionValues(node.putObject("partitionValues"), add.partitionValues());
        node.put("size", add.size());
        node.put("modificationTime", add.modificationTime());
        node.put("dataChange", add.dataChange());
        add.stats().ifPresent(stats -> node.put("stats", stats));
        if (!add.tags().isEmpty()) {
            putStringMap(node.putObject("tags"), add.tags());
        }
    }

    private static void writeRemoveFile(ObjectNode node, RemoveFile remove) {
        node.put("path", LogPaths.encode(remove.path()));
        remove.deletionTimestamp().ifPresent(timestamp -> node.put("deletionTimestamp", timestamp));
        node.put("dataChange", remove.dataChange());
        remove.extendedFileMetadata().ifPresent(extended -> node.put("extendedFileMetadata", extended));
        remove.partitionValues().ifPresent(values -> putPartitionValues(node.putObject("partitionValues"), values));
        remove.size().ifPresent(size -> node.put("size", size));
    }

    private static void writeCommitInfo(ObjectNode node, CommitInfo commitInfo) {
        commitInfo.timestamp().ifPresent(timestamp -> node.put("timestamp", timestamp));
        commitInfo.operation().ifPresent(operation -> node.put("operation", operation));
        putStringMap(node.putObject("operationParameters"), commitInfo.operationParameters());
        commitInfo.commitId().ifPresent(commitId -> node.put(CommitInfo.COMMIT_ID_FIELD, commitId));
    }

    private static void writeTransaction(ObjectNode node, Transaction transaction) {
        node.put("appId", transaction.appId());
        node.put("version", transaction.version());
        transaction.lastUpdated().ifPresent(lastUpdated -> node.put("lastUpdated", lastUpdated));
    }

    private static void putStrings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static void putStringMap(ObjectNode object, Map<String, String> values) {
        new TreeMap<>(values).forEach(object::put);
    }

    private static void putPartitionValues(ObjectNode object, Map<String, Optional<String>> values) {
        new TreeMap<>(values).forEach((key, value) -> {
            if (value.isPresent()) {
                object.put(key, value.get());
            } else {
                object.putNull(key);
            }
        });
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }

    /** Reads one action's object, naming {@code where} in every error. */
    private record ActionReader(JsonNode node, String where) {
        Protocol protocol() {
            return new Protocol(
                    (int) requiredLong("minReaderVersion"),
                    (int) requiredLong("minWriterVersion"),
                    optionalStrings("readerFeatures"),
                    optionalStrings("writerFeatures"));
        }

        Metadata metadata() {
            JsonNode format = required("format");
            ActionReader formatReader = new ActionReader(format, where + " format");
            return new Metadata(
                    requiredText("id"),
                    optionalText("name"),
                    optionalText("description"),
                    new Metadata.Format(formatReader.requiredText("provider"), formatReader.stringMap("options")),
                    requiredText("schemaString"),
                    optionalStrings("partitionColumns").orElse(List.of()),
                    stringMap("configuration"),
                    optionalLong("createdTime"));
        }

        AddFile addFile() {
            return new AddFile(
                    path(),
                    partitionValues(required("partitionValues"), "partitionValues"),
                    requiredLong("size"),
                    requiredLong("modificationTime"),
                    requiredBoolean("dataChange"),
                    optionalText("stats"),
                    stringMap("tags"));
        }

        RemoveFile removeFile() {
            JsonNode values = node.get("partitionValues");
            return new RemoveFile(
                    path(),
                    optionalLong("deletionTimestamp"),
                    requiredBoolean("dataChange"),
                    isAbsent(node.get("extendedFileMetadata"))
                            ? Optional.empty()
                            : Optional.of(requiredBoolean("extendedFileMetadata")),
                    isAbsent(values) ? Optional.empty() : Optional.of(partitionValues(values, "partitionValues")),
                    optionalLong("size"));
        }

        CommitInfo commitInfo() {
            return new CommitInfo(
                    optionalLong("timestamp"),
                    optionalText("operation"),
                    stringMap("operationParameters"),
                    optionalText(CommitInfo.COMMIT_ID_FIELD));
        }

        Transaction transaction() {
            return new Transaction(requiredText("appId"), requiredLong("version"), optionalLong("lastUpdated"));
        }

        private String path() {
            String encoded = requiredText("path");
            try {
                return LogPaths.decode(encoded);
            } catch (IllegalArgumentException e) {
                throw DeltaLogException.corrupt(where + ": " + e.getMessage(), e);
            }
        }

        private JsonNode required(String field) {
            JsonNode value = node.get(field);
            if (isAbsent(value)) {
                throw DeltaLogException.corrupt(where + " lacks the required field " + field);
            }
            return value;
        }

        private String requiredText(String field) {
            JsonNode value = required(field);
            if (!value.isTextual()) {
                throw DeltaLogException.corrupt(where + " field " + field + " is not a string");
            }
            return value.textValue();
        }

        private long requiredLong(String field) {
            JsonNode value = required(field);
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw DeltaLogException.corrupt(where + " field " + field + " is not an integer");
            }
            return value.longValue();
        }

        private boolean requiredBoolean(String field) {
            JsonNode value = required(field);
            if (!value.isBoolean()) {
                throw DeltaLogException.corrupt(where + " field " + field + " is not a boolean");
            }
            return value.booleanValue();
        }

        private Optional<String> optionalText(String field) {
            return isAbsent(node.get(field)) ? Optional.empty() : Optional.of(requiredText(field));
        }

        private Optional<Long> optionalLong(String field) {
            return isAbsent(node.get(field)) ? Optional.empty() : Optional.of(requiredLong(field));
        }

        private Optional<List<String>> optionalStrings(String field) {
            JsonNode value = node.get(field);
            if (isAbsent(value)) {
                return Optional.empty();
            }
            if (!value.isArray()) {
                throw DeltaLogException.corrupt(where + " field " + field + " is not an array");
            }
            List<String> strings = new ArrayList<>();
            for (JsonNode element : value) {
                if (!element.isTextual()) {
                    throw DeltaLogException.corrupt(where + " field " + field + " holds a non-string");
                }
                strings.add(element.textValue());
            }
            return Optional.of(strings);
        }

        /** A map of strings; absent is empty; a non-string value (other writers' commitInfo) becomes its JSON text. */
        private Map<String, String> stringMap(String field) {
            JsonNode value = node.get(field);
            if (isAbsent(value)) {
                return Map.of();
            }
            if (!value.isObject()) {
                throw DeltaLogException.corrupt(where + " field " + field + " is not an object");
            }
            Map<String, String> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : iterable(value)) {
                JsonNode element = entry.getValue();
                if (!element.isNull()) {
                    map.put(entry.getKey(), element.isTextual() ? element.textValue() : element.toString());
                }
            }
            return map;
        }

        private Map<String, Optional<String>> partitionValues(JsonNode value, String field) {
            if (!value.isObject()) {
                throw DeltaLogException.corrupt(where + " field " + field + " is not an object");
            }
            Map<String, Optional<String>> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : iterable(value)) {
                JsonNode element = entry.getValue();
                if (element.isNull()) {
                    map.put(entry.getKey(), Optional.empty());
                } else if (element.isTextual()) {
                    map.put(entry.getKey(), Optional.of(element.textValue()));
                } else {
                    throw DeltaLogException.corrupt(
                            where + " partition value " + entry.getKey() + " is not a string or null");
                }
            }
            return map;
        }

        private static boolean isAbsent(JsonNode value) {
            return value == null || value.isNull();
        }
    }
}
