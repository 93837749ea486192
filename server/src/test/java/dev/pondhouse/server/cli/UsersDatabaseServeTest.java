package dev.pondhouse.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.security.PasswordHasher;
import dev.pondhouse.server.engine.SqlIdentifiers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} with users from a database ({@code auth.users-jdbc}, here a DuckDB file): logins through the
 * Flight SQL JDBC driver, roles from the database reaching the access rules, and a broken query stopping
 * start-up.
 */
class UsersDatabaseServeTest {
    @TempDir
    Path folder;

    private Path lake;
    private Path users;

    @BeforeEach
    void createLakeAndUsers() throws Exception {
        lake = folder.resolve("lake");
        Files.createDirectories(lake.resolve("shop/items"));
        users = folder.resolve("users.duckdb");
        PasswordHasher hasher = new PasswordHasher();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:" + users);
                Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(1000)) TO "
                    + SqlIdentifiers.literal(lake.resolve("shop/items/part-1.parquet").toString()) + " (FORMAT parquet)");
            statement.execute("CREATE TABLE users (name VARCHAR PRIMARY KEY, password_hash VARCHAR)");
            statement.execute("CREATE TABLE user_roles (name VARCHAR, role VARCHAR)");
            try (PreparedStatement insert = duckdb.prepareStatement("INSERT INTO users VALUES (?, ?)")) {
                for (String name : new String[] {"alice", "bob"}) {
                    insert.setString(1, name);
                    insert.setString(2, hasher.hash((name + "'s password").toCharArray()));
                    insert.executeUpdate();
                }
            }
            statement.execute("INSERT INTO user_roles VALUES ('alice', 'analyst')");
        }
    }

    @Test
    void usersAndRolesComeFromTheDatabase() throws Exception {
        Path rules = folder.resolve("rules.yaml");
        Files.writeString(rules, """
                rules:
                  - roles: [analyst]
                    tables: ["shop.*"]
                    privileges: [read]
                """);
        Path config = config("""
                  users-jdbc:
                    url: jdbc:duckdb:%s
                  rules-file: %s
                """.formatted(users, rules));
        Path log = folder.resolve("server.log");
        Process process = new ProcessBuilder(ServerProcessTest.javaCommand("serve", "--config", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            String url = "jdbc:arrow-flight-sql://127.0.0.1:" + ServerProcessTest.awaitPort(process, log)
                    + "/?useEncryption=false";

            assertThat(count(url, "alice", "alice's password", "SELECT count(*) FROM items")).isEqualTo(1000);
            assertThatThrownBy(() -> count(url, "bob", "bob's password", "SELECT count(*) FROM items"))
                    .as("bob logs in but has no role that reads shop")
                    .hasMessageContaining("does not exist or you may not read it");
            assertThat(count(url, "bob", "bob's password", "SELECT 42")).isEqualTo(42);
            assertThatThrownBy(() -> count(url, "alice", "wrong", "SELECT 1")).hasMessageContaining("invalid credentials");
            assertThatThrownBy(() -> count(url, "mallory", "alice's password", "SELECT 1"))
                    .hasMessageContaining("invalid credentials");
        } finally {
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void brokenQueryStopsStartUpNamingIt() throws Exception {
        Path config = config("""
                  users-jdbc:
                    url: jdbc:duckdb:%s
                    password-query: SELECT hash FROM accounts WHERE name = ?
                """.formatted(users));
        Process process = new ProcessBuilder(ServerProcessTest.javaCommand("serve", "--config", config.toString()))
                .redirectErrorStream(true)
                .start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isEqualTo(2);
            assertThat(output).contains("pondhouse: users database jdbc:duckdb:" + users
                    + ": the password query 'SELECT hash FROM accounts WHERE name = ?' failed").contains("accounts");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void withoutUsersStartUpStopsNamingBothKeys() throws Exception {
        Path config = config("  max-tokens-per-user: 5\n");
        Process process = new ProcessBuilder(ServerProcessTest.javaCommand("serve", "--config", config.toString()))
                .redirectErrorStream(true)
                .start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isEqualTo(2);
            assertThat(output).contains("set auth.users-file").contains("auth.users-jdbc.url");
        } finally {
            process.destroyForcibly();
        }
    }

    /** A configuration serving the lake in plaintext on a free port, with {@code auth} lines indented by two. */
    private Path config(String authLines) throws Exception {
        Path config = folder.resolve("pondhouse.yaml");
        Files.writeString(config, """
                flight:
                  port: 0
                  plaintext: true
                lake:
                  root: %s
                  default-schema: shop
                auth:
                """.formatted(lake) + authLines);
        return config;
    }

    private static long count(String url, String user, String password, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url + "&user=" + user + "&password="
                + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8));
                Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).isTrue();
            return result.getLong(1);
        }
    }
}
