package dev.pondhouse.server.lake.blob;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Azurite's blob service, the Azure Storage emulator, for tests: one instance per test JVM, started
 * on first use and stopped when JUnit closes its root context (see {@link Extension}).
 *
 * <p>Azurite comes from npm, pinned by {@code src/test/azurite/package-lock.json}. It is installed
 * with {@code npm ci} once into {@code ~/.cache/pondhouse/azurite-<hash of package files>} (or under
 * {@code $XDG_CACHE_HOME}), outside the work tree, and reused while the lock file is unchanged. The
 * install goes into a temporary folder next to it that is renamed into place, so parallel or
 * interrupted runs never see half an install. Node.js and npm must be on the {@code PATH}; without
 * them the tests fail with instructions, they are never skipped.
 */
public final class AzuriteServer implements AutoCloseable {
    /** The well-known development account of the emulator (public, documented by Microsoft). */
    public static final String ACCOUNT_NAME = "devstoreaccount1";
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /** Where the pinned package files are: relative to the server module (tests) or the repository (programs). */
    private static final Path PACKAGE_FOLDER = Files.isDirectory(Path.of("src", "test", "azurite"))
            ? Path.of("src", "test", "azurite") : Path.of("server", "src", "test", "azurite");
    private static final String ENTRY_POINT = "node_modules/azurite/dist/src/blob/main.js";
    private static final long START_TIMEOUT_MILLIS = 60_000;
    private static final long INSTALL_TIMEOUT_MINUTES = 10;

    private final Process process;
    private final int port;
    private final Path workspace;

    private AzuriteServer(Process process, int port, Path workspace) {
        this.process = requireNonNull(process, "process is null");
        this.port = port;
        this.workspace = requireNonNull(workspace, "workspace is null");
    }

    /**
     * Resolves {@code AzuriteServer} parameters of test methods and lifecycle methods to the instance
     * shared by every test of this JVM, started on first use and closed by JUnit at the end.
     */
    public static final class Extension implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == AzuriteServer.class;
        }

        @Override
        public AzuriteServer resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot()
                    .getStore(ExtensionContext.Namespace.create(AzuriteServer.class))
                    .getOrComputeIfAbsent(AzuriteServer.class, key -> start(), AzuriteServer.class);
        }
    }

    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT_NAME + ";AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=" + blobEndpoint() + ";";
    }

    public String blobEndpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT_NAME;
    }

    public static AzuriteServer start() {
        try {
            Path installation = install();
            Path workspace = Files.createTempDirectory("pondhouse-azurite-");
            int port = freePort();
            Path log = workspace.resolve("azurite.log");
            Path data = Files.createDirectory(workspace.resolve("data"));
            Process process = new ProcessBuilder(List.of("node", installation.resolve(ENTRY_POINT).toString(),
                            "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(port),
                            "--location", data.toString(), "--silent", "--skipApiVersionCheck", "--loose",
                            "--disableTelemetry"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            AzuriteServer server = new AzuriteServer(process, port, workspace);
            try {
                server.awaitPort(log);
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Azurite: " + e.getMessage(), e);
        }
    }

    private void awaitPort(Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Azurite exited with code " + process.exitValue()
                        + " before listening on port " + port + ". Its output:\n" + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        throw new IllegalStateException("Azurite did not listen on port " + port + " within "
                + START_TIMEOUT_MILLIS / 1000 + " s. Its output:\n" + Files.readString(log));
    }

    /** Installs the pinned Azurite unless the cache has it already; returns the installation folder. */
    private static Path install() throws IOException {
        Path packageJson = PACKAGE_FOLDER.resolve("package.json");
        Path lockFile = PACKAGE_FOLDER.resolve("package-lock.json");
        if (!Files.isRegularFile(lockFile)) {
            throw new IllegalStateException("Missing " + lockFile.toAbsolutePath()
                    + "; run the tests from the server module (Maven does).");
        }
        Path cacheRoot = cacheRoot();
        Path installation = cacheRoot.resolve("azurite-" + hash(packageJson, lockFile));
        if (Files.isRegularFile(installation.resolve(ENTRY_POINT))) {
            return installation;
        }
        Files.createDirectories(cacheRoot);
        Path temporary = Files.createTempDirectory(cacheRoot, installation.getFileName() + ".installing-");
        try {
            Files.copy(packageJson, temporary.resolve("package.json"));
            Files.copy(lockFile, temporary.resolve("package-lock.json"));
            run(temporary, List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"));
            try {
                Files.move(temporary, installation, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                if (!Files.isRegularFile(installation.resolve(ENTRY_POINT))) {
                    throw new IOException("Cannot move the Azurite install into " + installation
                            + "; delete that folder and run again", e);
                }
                // Another run installed it first; theirs is as good as ours.
            }
        } finally {
            deleteRecursively(temporary);
        }
        return installation;
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg == null || xdg.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(xdg);
        return base.resolve("pondhouse");
    }

    private static void run(Path directory, List<String> command) throws IOException {
        Path log = directory.resolve("npm.log");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("The Azure blob store tests run Azurite from npm and need Node.js (20 or"
                    + " newer) and npm on the PATH, but '" + command.get(0) + "' cannot be run: " + e.getMessage()
                    + ". Install Node.js (it includes npm) and run the tests again.", e);
        }
        try {
            if (!process.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + INSTALL_TIMEOUT_MINUTES + " minutes. Its output:\n" + Files.readString(log));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", command), e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                    + process.exitValue() + " in " + directory + ". Its output:\n" + Files.readString(log));
        }
    }

    private static String hash(Path... files) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                digest.update(Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteRecursively(workspace);
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Azurite", e);
        }
    }

    /** A container name no other test uses. */
    public static String uniqueContainerName() {
        return "test-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }
}
