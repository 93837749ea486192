package dev.pondhouse.server.query.guard;

import dev.pondhouse.server.demo.GenerationProgress;
import dev.pondhouse.server.demo.TpchGeneration;
import dev.pondhouse.server.demo.TpchLakeGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;

/**
 * An in-memory DuckDB laid out like the query engine: catalog {@code pondhouse} with the eight TPC-H
 * tables at scale factor 0.01 in schema {@code tpch} (the session default), plus objects no user of
 * the tests may read:
 * <ul>
 *   <li>{@code pondhouse.main.credentials}, {@code pondhouse.secret.nation} (same name as a lake
 *       table, other schema), {@code memory.main.internal};
 *   <li>{@code pondhouse.guarded.<table>}: one view per TPC-H table, the views a context may
 *       redirect reads through;
 *   <li>{@code pondhouse.meta.tables} (stands in for {@code information_schema.tables}) and
 *       {@code pondhouse.meta.lake_tables} (stands in for {@code duckdb_tables()}).
 * </ul>
 * The engine is deliberately not locked (no {@code enable_external_access = false}), so that the
 * guard alone stands between a hostile statement and its effect. Closing closes the instance.
 */
final class GuardDatabase implements AutoCloseable {
    static final String CATALOG = "pondhouse";
    static final String SCHEMA = "tpch";
    static final List<String> TPCH_TABLES = List.of("customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier");
    /** Names of objects that exist but that no test user may read; a refusal must never show one the user did not write. */
    static final List<String> HIDDEN_NAMES = List.of("credentials", "internal", "secret", "guarded", "meta");

    private static Path lake;
    private static TpchGeneration generation;

    private final DuckDBConnection connection;

    private GuardDatabase(DuckDBConnection connection) {
        this.connection = connection;
    }

    static GuardDatabase open() throws SQLException, IOException, InterruptedException {
        Path root = generatedLake();
        DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        GuardDatabase database = new GuardDatabase(connection);
        try {
            List<String> setup = new ArrayList<>();
            setup.add("ATTACH ':memory:' AS " + CATALOG);
            setup.add("CREATE SCHEMA " + CATALOG + "." + SCHEMA);
            setup.add("CREATE SCHEMA " + CATALOG + ".guarded");
            setup.add("CREATE SCHEMA " + CATALOG + ".secret");
            setup.add("CREATE SCHEMA " + CATALOG + ".meta");
            for (TpchGeneration.GeneratedTable table : generation.tables()) {
                String files = table.files().stream()
                        .map(file -> "'" + root.resolve(SCHEMA).resolve(table.name()).resolve(file) + "'")
                        .collect(Collectors.joining(", ", "[", "]"));
                setup.add("CREATE TABLE " + CATALOG + "." + SCHEMA + "." + table.name() + " AS SELECT * FROM read_parquet(" + files + ")");
                setup.add("CREATE VIEW " + CATALOG + ".guarded." + table.name() + " AS SELECT * FROM " + CATALOG + "." + SCHEMA + "." + table.name());
            }
            setup.add("CREATE TABLE " + CATALOG + ".main.credentials AS SELECT 'admin' AS username, 'hunter2' AS password");
            setup.add("CREATE TABLE " + CATALOG + ".secret.nation AS SELECT 'SECRET' AS n_name");
            setup.add("CREATE TABLE memory.main.internal AS SELECT 42 AS answer");
            setup.add("CREATE VIEW " + CATALOG + ".meta.tables AS SELECT table_catalog, table_schema, table_name, table_type"
                    + " FROM information_schema.tables WHERE table_catalog = 'pondhouse' AND table_schema = 'tpch'");
            setup.add("CREATE VIEW " + CATALOG + ".meta.lake_tables AS SELECT database_name, schema_name, table_name, estimated_size"
                    + " FROM duckdb_tables() WHERE database_name = 'pondhouse' AND schema_name = 'tpch'");
            setup.add("USE " + CATALOG + "." + SCHEMA);
            database.execute(setup.toArray(String[]::new));
            return database;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    /** TPC-H at scale factor 0.01, generated once per test JVM into a temporary folder removed at exit. */
    private static synchronized Path generatedLake() throws IOException, InterruptedException {
        if (lake == null) {
            Path root = Files.createTempDirectory("pondhouse-guard-lake");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(root), "guard-lake-cleanup"));
            generation = new TpchLakeGenerator(root, 2).ensureGenerated(0.01, GenerationProgress.ignoring());
            lake = root;
        }
        return lake;
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("guard test lake " + root + " not deleted: " + e.getMessage());
        }
    }

    /** Runs statements on the instance's first connection. */
    GuardDatabase execute(String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
        return this;
    }

    /** A new session on the instance (own temporary objects), with the lake's default catalog and schema. */
    Connection newSession() throws SQLException {
        Connection session = connection.duplicate();
        try (Statement statement = session.createStatement()) {
            statement.execute("USE " + CATALOG + "." + SCHEMA);
        }
        return session;
    }

    /**
     * Everything a statement could have changed, as text: databases, schemas, tables, views,
     * sequences, macros, secrets, loaded extensions and the settings' values.
     */
    static String fingerprint(Connection session) throws SQLException {
        String[] queries = {
            "SELECT database_name, path FROM duckdb_databases() ORDER BY ALL",
            "SELECT database_name, schema_name FROM duckdb_schemas() ORDER BY ALL",
            "SELECT database_name, schema_name, table_name, estimated_size FROM duckdb_tables() ORDER BY ALL",
            "SELECT database_name, schema_name, view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY ALL",
            "SELECT database_name, schema_name, sequence_name FROM duckdb_sequences() ORDER BY ALL",
            "SELECT database_name, schema_name, function_name FROM duckdb_functions() WHERE NOT internal ORDER BY ALL",
            "SELECT name FROM duckdb_secrets() ORDER BY ALL",
            "SELECT extension_name, loaded, installed FROM duckdb_extensions() ORDER BY ALL",
            "SELECT name, value FROM duckdb_settings() ORDER BY ALL",
            "SELECT name, value FROM duckdb_variables() ORDER BY ALL",
        };
        StringBuilder text = new StringBuilder();
        try (Statement statement = session.createStatement()) {
            for (String query : queries) {
                try (ResultSet result = statement.executeQuery(query)) {
                    int columns = result.getMetaData().getColumnCount();
                    while (result.next()) {
                        for (int column = 1; column <= columns; column++) {
                            text.append(result.getString(column)).append('|');
                        }
                        text.append('\n');
                    }
                }
            }
        }
        return text.toString();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
