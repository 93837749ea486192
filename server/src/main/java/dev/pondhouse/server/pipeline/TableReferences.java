package dev.pondhouse.server.pipeline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The tables a query reads, as DuckDB's own parser sees them: {@code json_serialize_sql} (the SQL
 * bound as a parameter, nothing executed) gives the syntax tree, whose {@code BASE_TABLE} nodes are
 * the table references. Names of common table expressions are not tables: an unqualified reference
 * that matches a CTE name of the query is left out (wherever that CTE is in scope or not; a table
 * named like a CTE must then be qualified).
 *
 * <p>Not thread-safe in the sense that a connection is not.
 */
final class TableReferences {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A table reference as written: schema (and catalog) only when written. */
    record Reference(Optional<String> catalog, Optional<String> schema, String table) {
        Reference {
            requireNonNull(catalog, "catalog is null");
            requireNonNull(schema, "schema is null");
            requireNonNull(table, "table is null");
        }
    }

    /** The query is not one that DuckDB parses as a single SELECT; {@code message} says why. */
    static final class NotAQueryException extends Exception {
        private static final long serialVersionUID = 1L;

        NotAQueryException(String message) {
            super(message);
        }
    }

    private TableReferences() {}

    /**
     * The tables {@code sql} reads, in order of first appearance.
     *
     * @throws NotAQueryException for a syntax error, a statement other than a query, or several statements
     */
    static Set<Reference> of(Connection duckdb, String sql) throws SQLException, NotAQueryException {
        JsonNode document;
        try (PreparedStatement statement = duckdb.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
            statement.setString(1, sql);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                document = JSON.readTree(result.getString(1));
            }
        } catch (JsonProcessingException e) {
            throw new SQLException("json_serialize_sql returned text that is not JSON", e);
        }
        if (document.path("error").asBoolean(true)) {
            String message = document.path("error_message").asText("");
            if (document.path("error_type").asText("").equals("parser")) {
                throw new NotAQueryException(message);
            }
            throw new NotAQueryException("it must be one query (SELECT or WITH ... SELECT), not another kind of statement"
                    + " (DuckDB: " + message + ")");
        }
        JsonNode statements = document.path("statements");
        if (statements.size() != 1) {
            throw new NotAQueryException("it must be exactly one query, found " + statements.size() + " statements");
        }
        Set<String> cteNames = new HashSet<>();
        collectCteNames(statements.get(0), cteNames);
        Set<Reference> references = new LinkedHashSet<>();
        collectTables(statements.get(0), cteNames, references);
        return references;
    }

    private static void collectCteNames(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            JsonNode map = node.path("cte_map").path("map");
            for (JsonNode entry : map) {
                names.add(entry.path("key").asText().toLowerCase(Locale.ROOT));
            }
        }
        for (JsonNode child : node) {
            collectCteNames(child, names);
        }
    }

    private static void collectTables(JsonNode node, Set<String> cteNames, Set<Reference> references) {
        if (node.isObject() && node.path("type").asText().equals("BASE_TABLE")) {
            Optional<String> catalog = nonEmpty(node.path("catalog_name").asText(""));
            Optional<String> schema = nonEmpty(node.path("schema_name").asText(""));
            String table = node.path("table_name").asText("");
            if (!(schema.isEmpty() && cteNames.contains(table.toLowerCase(Locale.ROOT)))) {
                references.add(new Reference(catalog, schema, table));
            }
        }
        for (JsonNode child : node) {
            collectTables(child, cteNames, references);
        }
    }

    private static Optional<String> nonEmpty(String text) {
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }
}
