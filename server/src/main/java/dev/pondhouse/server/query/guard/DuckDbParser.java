package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * DuckDB's own parser, through its json extension: {@code json_serialize_sql} turns SQL text into a
 * syntax tree, {@code json_deserialize_sql} turns a tree back into SQL text. The text is always bound
 * as a parameter; nothing here executes the statement being parsed.
 *
 * <p>What DuckDB 2.0 returns: for a parse failure {@code {"error":true,"error_type":"parser",
 * "error_message":"syntax error at or near ..."}}; for any statement other than a SELECT (COPY,
 * INSERT, SET, CREATE, PRAGMA, a top-level PIVOT ...) {@code {"error":true,"error_type":"not
 * implemented","error_message":"Only SELECT statements can be serialized to json!"}}, also when only
 * one of several statements is not a SELECT; otherwise {@code {"error":false,"statements":[...]}}
 * with one tree per statement. It does not throw for bad SQL.
 *
 * <p>Not thread-safe in the sense that a connection is not: call it from the thread that owns the
 * connection.
 */
final class DuckDbParser {
    static final String NOT_A_SELECT = "Only SELECT statements can be serialized to json!";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The outcome of parsing. */
    sealed interface Outcome permits Parsed, Failed {}

    /** DuckDB parsed the text into {@code statements}, each a {@code {"node": ..., "named_param_map": ...}} object. */
    record Parsed(List<ObjectNode> statements) implements Outcome {
        Parsed {
            statements = List.copyOf(requireNonNull(statements, "statements is null"));
        }
    }

    /** DuckDB could not (or would not) serialize the text. */
    record Failed(String errorType, String message) implements Outcome {
        Failed {
            requireNonNull(errorType, "errorType is null");
            requireNonNull(message, "message is null");
        }

        boolean isSyntaxError() {
            return errorType.equals("parser");
        }

        boolean isNotASelect() {
            return message.equals(NOT_A_SELECT);
        }
    }

    Outcome parse(Connection connection, String sql) throws SQLException {
        String json = callWithText(connection, "SELECT json_serialize_sql(?::VARCHAR)", sql);
        JsonNode document = read(json);
        if (document.path("error").asBoolean(true)) {
            return new Failed(document.path("error_type").asText(""), document.path("error_message").asText(""));
        }
        JsonNode statements = document.path("statements");
        if (!statements.isArray()) {
            throw new SQLException("json_serialize_sql returned no statement list");
        }
        List<ObjectNode> trees = new ArrayList<>();
        for (JsonNode statement : statements) {
            if (!statement.isObject()) {
                throw new SQLException("json_serialize_sql returned a statement that is not an object");
            }
            trees.add((ObjectNode) statement);
        }
        return new Parsed(trees);
    }

    /** SQL text for one statement tree, as {@code json_deserialize_sql} writes it. */
    String render(Connection connection, ObjectNode statement) throws SQLException {
        ObjectNode document = JSON.createObjectNode();
        document.put("error", false);
        ArrayNode statements = document.putArray("statements");
        statements.add(statement);
        try {
            return callWithText(connection, "SELECT json_deserialize_sql(?::JSON)", JSON.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot write a statement tree as JSON", e);
        }
    }

    private static String callWithText(Connection connection, String query, String argument) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, argument);
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next() || result.getString(1) == null) {
                    throw new SQLException(query + " returned nothing");
                }
                return result.getString(1);
            }
        }
    }

    private static JsonNode read(String json) throws SQLException {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SQLException("json_serialize_sql returned text that is not JSON", e);
        }
    }
}
