package dev.pondhouse.server.engine;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DuckDB instance jobs run on (pipelines, ingest): separate from the locked-down
 * {@link QueryEngine}, unlocked, and the only instance that reads sources outside the lake and
 * writes files. Client SQL never reaches it; only job definitions (pipeline files an operator
 * wrote) and the server's own statements do.
 *
 * <p>Settings: {@code threads}, {@code memory_limit}, {@code temp_directory} under the work
 * directory, no extension auto-install (the extensions it needs, Parquet and JSON, are built in).
 *
 * <p>Thread-safety: {@link #openConnection()} may be called from any thread; each connection it
 * returns belongs to one job at a time.
 */
public final class JobEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobEngine.class);

    private final int threads;
    private final String memoryLimit;
    private final Path spillDirectory;

    // Guarded by this.
    private DuckDBConnection root;

    /**
     * @param threads DuckDB threads, at least 1
     * @param memoryLimit DuckDB's {@code memory_limit}, e.g. {@code 50%} or {@code 4GB}
     * @param spillDirectory where DuckDB spills when memory runs short
     */
    public JobEngine(int threads, String memoryLimit, Path spillDirectory) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        this.threads = threads;
        this.memoryLimit = requireNonNull(memoryLimit, "memoryLimit is null");
        this.spillDirectory = requireNonNull(spillDirectory, "spillDirectory is null");
    }

    public synchronized void start() throws SQLException, IOException {
        if (root != null) {
            throw new IllegalStateException("job engine already started");
        }
        Files.createDirectories(spillDirectory);
        DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET threads = " + threads);
            statement.execute("SET memory_limit = " + SqlIdentifiers.literal(memoryLimit));
            statement.execute("SET temp_directory = " + SqlIdentifiers.literal(spillDirectory.toAbsolutePath().toString()));
            statement.execute("SET autoinstall_known_extensions = false");
            statement.execute("SET preserve_insertion_order = false");
        } catch (SQLException e) {
            try {
                connection.close();
            } catch (SQLException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw new SQLException("job engine setting failed: " + e.getMessage(), e);
        }
        root = connection;
        log.info("job engine started: {} threads, memory limit {}, spill to {}", threads, memoryLimit, spillDirectory);
    }

    /** A new connection of its own: its own temporary objects, settings and {@code USE}. The caller closes it. */
    public DuckDBConnection openConnection() throws SQLException {
        synchronized (this) {
            if (root == null) {
                throw new IllegalStateException("job engine is not started (or already closed)");
            }
            return root.duplicate();
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        if (root != null) {
            root.close();
            root = null;
        }
    }
}
