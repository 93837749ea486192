package dev.pondhouse.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real Pondhouse server jar running as a child process ({@code pondhouse.jar demo}) on a free
 * loopback port, with its output captured so that failures can show it.
 *
 * <p>Thread-safety: the output is appended by one reader thread and read by the test thread; both go
 * through {@code synchronized (output)}.
 */
final class ServerProcess implements AutoCloseable {
    static final String ARROW_JVM_FLAG = "--add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED";
    private static final int MAX_OUTPUT_LINES = 2_000;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final int port;
    private final String readyMarker;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Deque<String> output = new ArrayDeque<>();
    private final Thread outputReader;
    private final Thread stopOnExit;

    private ServerProcess(Process process, int port) {
        this.process = requireNonNull(process, "process is null");
        this.port = port;
        this.readyMarker = "jdbc:arrow-flight-sql://127.0.0.1:" + port;
        this.outputReader = new Thread(this::readOutput, "pondhouse-server-output");
        this.outputReader.setDaemon(true);
        // Should the test JVM go down before close(), do not leave a server behind.
        this.stopOnExit = new Thread(process::destroyForcibly, "pondhouse-server-stop");
    }

    /**
     * Starts {@code java -jar <jar> demo --scale <scale> --data <data> --port <free port>} and waits
     * until it prints its JDBC URL. Fails, with the server's output, when the jar is missing, the
     * server exits, or it is not ready within {@code timeout}.
     */
    static ServerProcess startDemo(Path jar, Path data, String scale, Duration timeout)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The server jar " + jar + " does not exist. These tests run the real"
                    + " server: build it first (./mvnw -pl server -am package -DskipTests), or build the whole"
                    + " reactor, which builds server before client-examples. Another location can be given with"
                    + " -Dpondhouse.server.jar=PATH.");
        }
        int port = freeLoopbackPort();
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                ARROW_JVM_FLAG,
                "-jar", jar.toString(),
                "demo", "--scale", scale, "--data", data.toString(), "--port", Integer.toString(port));
        ServerProcess server = new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start(), port);
        Runtime.getRuntime().addShutdownHook(server.stopOnExit);
        server.outputReader.start();
        try {
            server.awaitReady(command, timeout);
            return server;
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    int port() {
        return port;
    }

    /** Whether the server is still running, for failure messages. */
    String state() {
        return process.isAlive() ? "running (pid " + process.pid() + ")" : "exited with code " + process.exitValue();
    }

    /** The last lines the server printed (at most {@value #MAX_OUTPUT_LINES}). */
    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    private void awaitReady(List<String> command, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.await(200, TimeUnit.MILLISECONDS)) {
            if (!process.isAlive()) {
                // Let the reader drain what the process printed before it died.
                outputReader.join(Duration.ofSeconds(5).toMillis());
                throw new IllegalStateException("The server exited with code " + process.exitValue()
                        + " before printing '" + readyMarker + "'.\nCommand: " + String.join(" ", command)
                        + "\nOutput:\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The server did not print '" + readyMarker + "' within "
                        + timeout.toSeconds() + " s.\nCommand: " + String.join(" ", command)
                        + "\nOutput:\n" + output());
            }
        }
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                append(line);
                if (line.contains(readyMarker)) {
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            // The stream closes under us when the process is destroyed; keep the reason with the output.
            append("[reading the server's output stopped: " + e + "]");
        }
    }

    private void append(String line) {
        synchronized (output) {
            output.addLast(line);
            if (output.size() > MAX_OUTPUT_LINES) {
                output.removeFirst();
            }
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free loopback port", e);
        }
    }

    /**
     * Stops the server: politely first, then forcibly. If this thread is interrupted while waiting,
     * the server is killed at once and the interrupt is kept for the caller.
     */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                append("[the server did not stop within " + STOP_TIMEOUT.toSeconds() + " s; killing it]");
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            outputReader.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The JVM is exiting and runs the hook itself.
            append("[the JVM is shutting down: " + alreadyShuttingDown.getMessage() + "]");
        }
    }
}
