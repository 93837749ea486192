package dev.pondhouse.server.testing;

import dev.pondhouse.security.PasswordHasher;
import dev.pondhouse.security.ShiroUserAuthenticator;
import dev.pondhouse.server.PondhouseServer;
import dev.pondhouse.server.config.ConfigLoader;
import dev.pondhouse.server.config.ServerConfig;
import dev.pondhouse.server.demo.GenerationProgress;
import dev.pondhouse.server.demo.TpchLakeGenerator;
import dev.pondhouse.server.jobs.HoldJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * One real server for the end-to-end tests of a test JVM: TPC-H at scale factor 0.01 in a
 * temporary lake, Flight SQL plaintext and the admin API on free loopback ports, users
 * {@code demo}/{@code demo} and {@code other}/{@code other} (role {@code reader}) and
 * {@code admin}/{@code admin} (role {@code admin}), and the test job {@code hold} besides the built-in
 * ones. Started on first use, stopped when the JVM exits.
 */
public final class TestServer {
    public static final String USER = "demo";
    public static final String PASSWORD = "demo";
    public static final String OTHER_USER = "other";
    public static final String OTHER_PASSWORD = "other";
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";

    private static TestServer shared;

    private final Path lake;
    private final PondhouseServer server;

    private TestServer(Path lake, PondhouseServer server) {
        this.lake = lake;
        this.server = server;
    }

    /** The shared server, started with default limits. */
    public static synchronized TestServer shared() {
        if (shared == null) {
            shared = start(Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(shared.server::close, "test-server-stop"));
        }
        return shared;
    }

    /** A server of its own (caller closes it), with extra configuration, e.g. {@code query.timeout}. */
    public static TestServer start(Map<String, String> overrides) {
        return start(Optional.empty(), overrides, Map.of());
    }

    /** A server of its own (caller closes it), configured by a YAML file and then {@code overrides}. */
    public static TestServer start(Optional<Path> configFile, Map<String, String> overrides) {
        return start(configFile, overrides, Map.of());
    }

    /**
     * A server of its own with extra users besides {@link #USER} and {@link #OTHER_USER}: user name to
     * password and roles ({@code "secret", "analyst"}).
     */
    public static TestServer start(Map<String, String> overrides, Map<String, List<String>> extraUsers) {
        return start(Optional.empty(), overrides, extraUsers);
    }

    /** A server of its own from a YAML file, {@code overrides} and extra users (see above). */
    public static TestServer start(Optional<Path> configFile, Map<String, String> overrides,
            Map<String, List<String>> extraUsers) {
        try {
            Path lake = sharedLake();
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("flight.port", "0");
            settings.put("flight.plaintext", "true");
            settings.put("lake.root", lake.toString());
            settings.put("lake.default-schema", "tpch");
            settings.put("engine.threads", "2");
            settings.put("admin.port", "0");
            settings.put("jobs.history-folder", Files.createTempDirectory(lake, "_jobs").toString());
            settings.putAll(overrides);
            ServerConfig config = new ConfigLoader().load(configFile, Map.of(), settings);
            PasswordHasher hasher = new PasswordHasher();
            String users = "[users]\n"
                    + USER + " = \"" + hasher.hash(PASSWORD.toCharArray()) + "\", reader\n"
                    + OTHER_USER + " = \"" + hasher.hash(OTHER_PASSWORD.toCharArray()) + "\", reader\n"
                    + ADMIN_USER + " = \"" + hasher.hash(ADMIN_PASSWORD.toCharArray()) + "\", admin\n";
            for (Map.Entry<String, List<String>> user : extraUsers.entrySet()) {
                List<String> passwordAndRoles = user.getValue();
                users += user.getKey() + " = \"" + hasher.hash(passwordAndRoles.get(0).toCharArray()) + "\""
                        + passwordAndRoles.stream().skip(1).map(role -> ", " + role).collect(java.util.stream.Collectors.joining())
                        + "\n";
            }
            PondhouseServer server = new PondhouseServer(config, ShiroUserAuthenticator.fromIniText(users),
                    List.of(HoldJob.hold()));
            server.start();
            return new TestServer(lake, server);
        } catch (Exception e) {
            throw new IllegalStateException("test server did not start", e);
        }
    }

    private static Path lakeRoot;

    private static synchronized Path sharedLake() throws IOException, InterruptedException {
        if (lakeRoot == null) {
            Path root = Files.createTempDirectory("pondhouse-test-lake");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(root), "test-lake-cleanup"));
            new TpchLakeGenerator(root, 2).ensureGenerated(0.01, GenerationProgress.ignoring());
            lakeRoot = root;
        }
        return lakeRoot;
    }

    /** Removes the shared lake when the test JVM exits; a failure only leaves files in the temp folder. */
    private static void deleteQuietly(Path root) {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("test lake " + root + " not deleted: " + e.getMessage());
        }
    }

    public Path lake() {
        return lake;
    }

    public int port() {
        return server.port();
    }

    public int adminPort() {
        return server.adminPort();
    }

    public String jdbcUrl() {
        return "jdbc:arrow-flight-sql://127.0.0.1:" + port() + "/?useEncryption=false";
    }

    public Connection connect() {
        return connect(USER, PASSWORD);
    }

    public Connection connect(String user, String password) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        try {
            return DriverManager.getConnection(jdbcUrl(), properties);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the test server as " + user, e);
        }
    }

    /**
     * The rows of {@code sql} read as {@code user} through the JDBC driver, each as its values'
     * {@code getString} text joined by {@code |}.
     */
    public List<String> rows(String user, String password, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = connect(user, password); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int column = 1; column <= columns; column++) {
                    values.add(result.getString(column));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }

    public void stop() {
        server.close();
    }
}
