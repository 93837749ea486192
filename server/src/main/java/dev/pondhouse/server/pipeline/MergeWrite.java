package dev.pondhouse.server.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.DeltaLake.TableFiles;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.Snapshot;
import dev.pondhouse.server.lake.delta.TableData;
import dev.pondhouse.server.lake.delta.WriteRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Plans a merge (upsert on key columns) as a copy-on-write of only the files that hold one of the new
 * rows' keys:
 *
 * <ol>
 *   <li>The step's rows are materialized once in a temporary table; their keys must be non-null and
 *       unique.
 *   <li>Candidate files: those whose statistics ({@code minValues}/{@code maxValues}, or the partition
 *       value for a key that is a partition column) overlap the new keys' range in every key column;
 *       a file without statistics for a key is a candidate.
 *   <li>Affected files: the candidates that, scanned, hold at least one of the new keys.
 *   <li>The write removes the affected files and adds their rows whose key is not new, plus every new
 *       row, in one commit ({@link WriteRequest#merge}), checked against concurrent commits since the
 *       snapshot it planned from.
 * </ol>
 *
 * <p>Not thread-safe: it runs on the caller's connection. {@link #close()} drops the temporary table.
 */
final class MergeWrite implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROWS = "__pondhouse_merge_rows";
    private static final String FILES = "__pondhouse_merge_files";

    private final Connection connection;

    private MergeWrite(Connection connection) {
        this.connection = connection;
    }

    /** The planned write and what it replaces. */
    record Plan(WriteRequest request, int candidateFiles, int affectedFiles) {}

    static MergeWrite stage(Connection connection, String sql) throws SQLException {
        execute(connection, "CREATE OR REPLACE TEMP TABLE " + ROWS + " AS " + stripSemicolons(sql));
        return new MergeWrite(connection);
    }

    /** Plans the merge of the staged rows into {@code table} at {@code snapshot} on {@code keys}. */
    Plan plan(DeltaLake.Reads lake, LakeTableName table, Snapshot snapshot, List<String> keys) throws SQLException {
        List<String> columns = columns();
        for (String key : keys) {
            if (!columns.contains(key)) {
                throw PondhouseException.userError("merge key " + key + " is not a column of the step's rows; its columns"
                        + " are " + columns);
            }
        }
        String keyList = keys.stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
        long nullKeys = count("SELECT count(*) FROM " + ROWS + " WHERE " + keys.stream()
                .map(key -> SqlIdentifiers.quote(key) + " IS NULL").collect(Collectors.joining(" OR ")));
        if (nullKeys > 0) {
            throw PondhouseException.userError(nullKeys + " of the rows to merge into " + table + " have a null key ("
                    + String.join(", ", keys) + "); a merge key identifies a row and must not be null");
        }
        long duplicates = count("SELECT count(*) FROM (SELECT " + keyList + " FROM " + ROWS + " GROUP BY ALL HAVING"
                + " count(*) > 1)");
        if (duplicates > 0) {
            throw PondhouseException.userError(duplicates + " keys (" + String.join(", ", keys) + ") occur more than once"
                    + " in the rows to merge into " + table + "; each key may come once");
        }

        TableFiles files = lake.files(table, snapshot);
        Map<String, String> types = columnTypes();
        List<String> candidates = candidates(snapshot, keys, types);
        Map<String, Path> localFiles = files.dataFiles();
        Map<Path, String> addPaths = new HashMap<>();
        localFiles.forEach((path, local) -> addPaths.put(local, path));
        List<Path> candidateFiles = candidates.stream().map(localFiles::get).toList();
        Set<String> affected = new HashSet<>();
        String match = keys.stream().map(key -> "r." + SqlIdentifiers.quote(key) + " = t." + SqlIdentifiers.quote(key))
                .collect(Collectors.joining(" AND "));
        if (!candidateFiles.isEmpty()) {
            TableFiles candidateRead = files.withFiles(candidateFiles);
            String scan = StepCatalog.readSql(candidateRead, true);
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT DISTINCT t.filename FROM (" + scan + ") t WHERE EXISTS"
                            + " (SELECT 1 FROM " + ROWS + " r WHERE " + match + ")")) {
                while (result.next()) {
                    String path = addPaths.get(Path.of(result.getString(1)));
                    if (path == null) {
                        throw new IllegalStateException("the scan of " + table + " named a file that is not in its snapshot: "
                                + result.getString(1));
                    }
                    affected.add(path);
                }
            }
        }
        String columnList = columns.stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
        String data;
        if (affected.isEmpty()) {
            data = "SELECT " + columnList + " FROM " + ROWS;
        } else {
            List<Path> affectedFiles = affected.stream().sorted().map(localFiles::get).toList();
            String kept = StepCatalog.readSql(files.withFiles(affectedFiles));
            data = "SELECT " + columnList + " FROM (" + kept + ") t WHERE NOT EXISTS (SELECT 1 FROM " + ROWS + " r WHERE "
                    + match + ") UNION ALL SELECT " + columnList + " FROM " + ROWS;
        }
        return new Plan(WriteRequest.merge(TableData.query(data), affected, snapshot.version()), candidates.size(),
                affected.size());
    }

    /**
     * The files whose statistics or partition values may hold one of the staged keys: for every key
     * column, the file's range overlaps the range of the new keys (unknown ranges overlap).
     */
    private List<String> candidates(Snapshot snapshot, List<String> keys, Map<String, String> types) throws SQLException {
        List<String> partitionColumns = snapshot.metadata().partitionColumns();
        execute(connection, "CREATE OR REPLACE TEMP TABLE " + FILES + " (path VARCHAR, stats JSON, partition_values JSON)");
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + FILES + " VALUES (?, ?::JSON, ?::JSON)")) {
            for (AddFile add : snapshot.activeFiles()) {
                Map<String, String> partitionValues = new LinkedHashMap<>();
                add.partitionValues().forEach((column, value) -> value.ifPresent(text -> partitionValues.put(column, text)));
                insert.setString(1, add.path());
                insert.setString(2, add.stats().orElse("{}"));
                insert.setString(3, json(partitionValues));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        List<String> conditions = new ArrayList<>();
        for (String key : keys) {
            String type = types.get(key);
            String range = "(SELECT min(" + SqlIdentifiers.quote(key) + ") AS low, max(" + SqlIdentifiers.quote(key)
                    + ") AS high FROM " + ROWS + ")";
            if (partitionColumns.contains(key)) {
                String value = "TRY_CAST(f.partition_values ->> " + SqlIdentifiers.literal(pointer(key)) + " AS " + type + ")";
                conditions.add(value + " BETWEEN (SELECT low FROM " + range + ") AND (SELECT high FROM " + range + ")");
            } else {
                String low = "TRY_CAST(f.stats ->> " + SqlIdentifiers.literal("/minValues" + pointer(key)) + " AS " + type + ")";
                String high = "TRY_CAST(f.stats ->> " + SqlIdentifiers.literal("/maxValues" + pointer(key)) + " AS " + type + ")";
                conditions.add("(" + low + " IS NULL OR " + high + " IS NULL OR (" + low + " <= (SELECT high FROM " + range
                        + ") AND " + high + " >= (SELECT low FROM " + range + ")))");
            }
        }
        List<String> candidates = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT path FROM " + FILES + " f WHERE "
                        + String.join(" AND ", conditions) + " ORDER BY path")) {
            while (result.next()) {
                candidates.add(result.getString(1));
            }
        }
        return candidates;
    }

    private List<String> columns() throws SQLException {
        return new ArrayList<>(columnTypes().keySet());
    }

    private Map<String, String> columnTypes() throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("DESCRIBE " + ROWS)) {
            while (result.next()) {
                types.put(result.getString("column_name"), result.getString("column_type"));
            }
        }
        return types;
    }

    private long count(String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** A JSON pointer to the member {@code key}: {@code /key}, with {@code ~} and {@code /} escaped. */
    private static String pointer(String key) {
        return "/" + key.replace("~", "~0").replace("/", "~1");
    }

    private static String json(Map<String, String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write partition values as JSON", e);
        }
    }

    static String stripSemicolons(String sql) {
        String body = sql.strip();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).strip();
        }
        return body;
    }

    @Override
    public void close() throws SQLException {
        execute(connection, "DROP TABLE IF EXISTS " + ROWS);
        execute(connection, "DROP TABLE IF EXISTS " + FILES);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
