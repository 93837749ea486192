package dev.pondhouse.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.security.PasswordHasher;
import dev.pondhouse.server.engine.SqlIdentifiers;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a process: {@code serve --config}, the gRPC health service, and a graceful stop on
 * SIGTERM that ends running queries and exits.
 */
class ServerProcessTest {
    private static final Pattern SERVING = Pattern.compile("serving Flight SQL on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path folder;

    @Test
    void servesReportsHealthAndStopsGracefullyOnSigterm() throws Exception {
        Path lake = folder.resolve("lake");
        Files.createDirectories(lake.resolve("shop/items"));
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(1000)) TO "
                    + SqlIdentifiers.literal(lake.resolve("shop/items/part-1.parquet").toString()) + " (FORMAT parquet)");
        }
        Path users = folder.resolve("users.ini");
        Files.writeString(users, "[users]\nalice = \"" + new PasswordHasher().hash("secret".toCharArray()) + "\", reader\n");
        Path config = folder.resolve("pondhouse.yaml");
        Files.writeString(config, """
                flight:
                  port: 0
                  plaintext: true
                lake:
                  root: %s
                  default-schema: shop
                auth:
                  users-file: %s
                admin:
                  port: 0
                jobs:
                  history-folder: %s
                """.formatted(lake, users, folder.resolve("jobs")));

        Path log = folder.resolve("server.log");
        Process process = new ProcessBuilder(javaCommand("serve", "--config", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            int flightPort = awaitPort(process, log);

            assertThat(health(flightPort)).isEqualTo(ServingStatus.SERVING);
            String url = "jdbc:arrow-flight-sql://127.0.0.1:" + flightPort + "/?useEncryption=false&user=alice&password=secret";
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*) FROM items")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getLong(1)).isEqualTo(1000);
            }

            try (Connection connection = DriverManager.getConnection(url)) {
                CompletableFuture<Long> slow = CompletableFuture.supplyAsync(() -> count(connection,
                        "SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3"));
                Thread.sleep(1_000);
                process.destroy(); // SIGTERM

                assertThat(process.waitFor(40, TimeUnit.SECONDS)).as("exited; output:%n%s", Files.readString(log)).isTrue();
                assertThatThrownBy(() -> slow.get(10, TimeUnit.SECONDS)).as("the running query ends with an error");
            }
            assertThat(Files.readString(log)).as("exit code %d", process.exitValue()).contains("Pondhouse stopped");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void badConfigurationStopsStartUpNamingTheKey() throws Exception {
        Path config = folder.resolve("bad.yaml");
        Files.writeString(config, "flight:\n  plaintext: true\n  prot: 1\n");
        Process process = new ProcessBuilder(javaCommand("serve", "--config", config.toString()))
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("unknown key 'flight.prot'");
    }

    private static long count(Connection connection, String sql) {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static ServingStatus health(int port) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("").build()).getStatus();
        } finally {
            channel.shutdownNow();
        }
    }

    /** Waits for the line that says where the server listens; fails with the output when it does not come. */
    static int awaitPort(Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String output = Files.exists(log) ? Files.readString(log) : "";
            Matcher matcher = SERVING.matcher(output);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + " before serving:\n" + output);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server did not start within 90 s:\n" + Files.readString(log));
    }

    /** The test JVM's java and class path, running the server's main class. */
    static List<String> javaCommand(String... arguments) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java,
                "--add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.pondhouse.server.Main"));
        command.addAll(List.of(arguments));
        return command;
    }
}
