package dev.pondhouse.server.engine;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.config.EngineSection;
import dev.pondhouse.server.config.LakeSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DuckDB instance that answers queries. Configured once at {@link #start()} in a fixed order,
 * each setting read back, then locked. The lake lives in an in-memory catalog named by
 * {@code lake.catalog}; only this class's admin connection creates or replaces objects in it.
 *
 * <p>Thread-safety: {@link #openSessionConnection()} may be called from any thread; the admin
 * connection is used only under this object's monitor ({@link #withAdminConnection}).
 */
public final class QueryEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueryEngine.class);

    private final EngineSection settings;
    private final LakeSection lake;
    private final List<Path> readableDirectories;
    private final Path spillDirectory;

    // Guarded by this.
    private DuckDBConnection adminConnection;

    /** An engine whose views read files below the lake root, served in place. */
    public QueryEngine(EngineSection settings, LakeSection lake, Path defaultSpillDirectory) {
        this(settings, lake, List.of(requireNonNull(lake, "lake is null").root()), defaultSpillDirectory);
    }

    /**
     * @param readableDirectories the folders the views' files are in (the lake root when files are
     *     served in place, the cache folder when they are copied from a blob store); DuckDB may read
     *     files below these and the spill directory only
     */
    public QueryEngine(EngineSection settings, LakeSection lake, List<Path> readableDirectories, Path defaultSpillDirectory) {
        this.settings = requireNonNull(settings, "settings is null");
        this.lake = requireNonNull(lake, "lake is null");
        this.readableDirectories = List.copyOf(readableDirectories);
        if (this.readableDirectories.isEmpty()) {
            throw new IllegalArgumentException("at least one readable directory is needed");
        }
        this.spillDirectory = settings.spillDirectory().orElse(requireNonNull(defaultSpillDirectory, "defaultSpillDirectory is null"));
    }

    public synchronized void start() throws SQLException, IOException {
        if (adminConnection != null) {
            throw new IllegalStateException("query engine already started");
        }
        Files.createDirectories(spillDirectory);
        for (Path directory : readableDirectories) {
            Files.createDirectories(directory);
        }
        Properties properties = new Properties();
        properties.setProperty(DuckDBDriver.JDBC_STREAM_RESULTS, "true");
        DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
        try {
            configure(connection);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        adminConnection = connection;
        log.info("query engine started: catalog {}, {} threads, memory limit {}, spill to {}",
                lake.catalog(), settings.threads(), settings.memoryLimit(), spillDirectory);
    }

    private void configure(DuckDBConnection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("ATTACH ':memory:' AS " + SqlIdentifiers.quote(lake.catalog()));
            statement.execute("ATTACH ':memory:' AS " + SqlIdentifiers.quote(accessCatalog()));
            statement.execute("USE " + SqlIdentifiers.quote(lake.catalog()));
        }
        Map<String, String> expected = new LinkedHashMap<>();
        List<String> commands = new ArrayList<>();
        List<String> allowed = new ArrayList<>();
        for (Path directory : readableDirectories) {
            allowed.add(SqlIdentifiers.literal(directoryPrefix(directory)));
        }
        allowed.add(SqlIdentifiers.literal(directoryPrefix(spillDirectory)));
        commands.add("SET threads = " + settings.threads());
        expected.put("threads", Integer.toString(settings.threads()));
        commands.add("SET memory_limit = " + SqlIdentifiers.literal(settings.memoryLimit()));
        commands.add("SET temp_directory = " + SqlIdentifiers.literal(spillDirectory.toAbsolutePath().toString()));
        commands.add("SET max_temp_directory_size = " + SqlIdentifiers.literal(settings.spillLimit()));
        commands.add("SET allowed_directories = [" + String.join(", ", allowed) + "]");
        commands.add("SET autoinstall_known_extensions = false");
        expected.put("autoinstall_known_extensions", "false");
        commands.add("SET autoload_known_extensions = false");
        expected.put("autoload_known_extensions", "false");
        commands.add("SET allow_community_extensions = false");
        expected.put("allow_community_extensions", "false");
        commands.add("SET allow_persistent_secrets = false");
        expected.put("allow_persistent_secrets", "false");
        commands.add("SET enable_external_access = false");
        expected.put("enable_external_access", "false");
        commands.add("SET lock_configuration = true");
        expected.put("lock_configuration", "true");
        try (Statement statement = connection.createStatement()) {
            for (String command : commands) {
                try {
                    statement.execute(command);
                } catch (SQLException e) {
                    throw new SQLException("engine setting failed: " + command + ": " + e.getMessage(), e);
                }
            }
        }
        verify(connection, expected);
    }

    private static String directoryPrefix(Path directory) {
        String path = directory.toAbsolutePath().normalize().toString();
        return path.endsWith("/") ? path : path + "/";
    }

    private static void verify(Connection connection, Map<String, String> expected) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT value FROM duckdb_settings() WHERE name = ?")) {
            for (Map.Entry<String, String> setting : expected.entrySet()) {
                statement.setString(1, setting.getKey());
                try (ResultSet result = statement.executeQuery()) {
                    String actual = result.next() ? result.getString(1) : null;
                    if (!setting.getValue().equalsIgnoreCase(actual)) {
                        throw new SQLException("engine setting " + setting.getKey() + " reads back as " + actual
                                + ", expected " + setting.getValue() + "; refusing to start");
                    }
                }
            }
        }
    }

    /**
     * A new connection for one client session: its own transaction and temporary objects, default
     * catalog and schema set to the lake's.
     */
    public DuckDBConnection openSessionConnection() throws SQLException {
        DuckDBConnection connection;
        synchronized (this) {
            requireStarted();
            connection = adminConnection.duplicate();
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("USE " + SqlIdentifiers.quote(lake.catalog()) + "." + SqlIdentifiers.quote(defaultSchema(connection)));
        } catch (SQLException e) {
            try {
                connection.close();
            } catch (SQLException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        return connection;
    }

    private String defaultSchema(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*) FROM duckdb_schemas() WHERE database_name = ? AND schema_name = ?")) {
            statement.setString(1, lake.catalog());
            statement.setString(2, lake.defaultSchema());
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1) > 0 ? lake.defaultSchema() : "main";
            }
        }
    }

    /** DuckDB's time zone setting, which names the zone of TIMESTAMP WITH TIME ZONE results. */
    public String timeZone() throws SQLException {
        return withAdminConnection(connection -> {
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT current_setting('TimeZone')")) {
                result.next();
                return result.getString(1);
            }
        });
    }

    /** The catalog name clients see. */
    public String catalog() {
        return lake.catalog();
    }

    /**
     * The catalog of the views that enforce access rules ({@code <catalog>_access}). Users never
     * name it: the statement guard rewrites their table references into it.
     */
    public String accessCatalog() {
        return lake.catalog() + "_access";
    }

    /** Runs {@code work} on the admin connection, the only one that changes the lake catalog. */
    public synchronized <T> T withAdminConnection(AdminWork<T> work) throws SQLException {
        requireStarted();
        return work.run(adminConnection);
    }

    private void requireStarted() {
        if (adminConnection == null) {
            throw new IllegalStateException("query engine is not started (or already closed)");
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        if (adminConnection != null) {
            adminConnection.close();
            adminConnection = null;
        }
    }

    /** Work on the admin connection. */
    @FunctionalInterface
    public interface AdminWork<T> {
        T run(DuckDBConnection connection) throws SQLException;
    }
}
