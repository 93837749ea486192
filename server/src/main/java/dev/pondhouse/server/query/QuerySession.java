package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.query.access.UserAccess;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBConnection;

/**
 * One client session: a DuckDB connection of its own (so temporary objects, settings and the open
 * transaction stay inside the session), its prepared statements, and its transaction.
 *
 * <p>Concurrency: a DuckDB connection is never used by two threads at once. {@link #acquire} hands
 * out the connection exclusively until {@link #release()}; a streaming result holds it from
 * execution until the last batch is sent, possibly across threads (hence a semaphore, not a lock).
 * The metadata connection is a second connection of the same session, used only under its monitor.
 */
public final class QuerySession implements AutoCloseable {
    /** How many allowed queries a session remembers, and their characters of text at most (see {@link CheckedStatements}). */
    static final int CHECKED_STATEMENTS = 256;
    static final int CHECKED_STATEMENT_CHARACTERS = 512 * 1024;

    private final String id;
    private final String user;
    private final Optional<String> clientAddress;
    private final DuckDBConnection connection;
    private final Semaphore connectionInUse = new Semaphore(1, true);
    private final Map<String, PreparedQuery> preparedQueries = new ConcurrentHashMap<>();
    private volatile long lastUsedNanos = System.nanoTime();
    private volatile String holder = "";

    // Guarded by this.
    private DuckDBConnection metadataConnection;
    private Optional<String> transactionId = Optional.empty();
    private Optional<String> accessKey = Optional.empty();
    private final CheckedStatements<UserAccess> checkedStatements =
            new CheckedStatements<>(CHECKED_STATEMENTS, CHECKED_STATEMENT_CHARACTERS);
    private boolean closed;

    QuerySession(String id, String user, Optional<String> clientAddress, DuckDBConnection connection) {
        this.id = requireNonNull(id, "id is null");
        this.user = requireNonNull(user, "user is null");
        this.clientAddress = requireNonNull(clientAddress, "clientAddress is null");
        this.connection = requireNonNull(connection, "connection is null");
    }

    public String id() {
        return id;
    }

    public String user() {
        return user;
    }

    /** The network address of the client that opened the session, when known. */
    public Optional<String> clientAddress() {
        return clientAddress;
    }

    void touch() {
        lastUsedNanos = System.nanoTime();
    }

    Duration idleFor() {
        return Duration.ofNanos(System.nanoTime() - lastUsedNanos);
    }

    boolean busy() {
        return connectionInUse.availablePermits() == 0;
    }

    /**
     * Takes the session's connection for one statement. Waits up to {@code wait} when another
     * statement of this session (for example a result still being read) holds it.
     */
    DuckDBConnection acquire(Duration wait, String purpose) {
        touch();
        try {
            if (!connectionInUse.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new PondhouseException(ErrorKind.RESOURCE_EXHAUSTED, "this session is still busy with "
                        + holder + "; read that result to the end or close it before running another statement "
                        + "on the same connection (waited " + wait.toSeconds() + " s)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PondhouseException(ErrorKind.CANCELLED, "interrupted while waiting for the session");
        }
        synchronized (this) {
            if (closed) {
                connectionInUse.release();
                throw new PondhouseException(ErrorKind.NOT_FOUND, "session " + id + " is closed");
            }
        }
        holder = purpose;
        return connection;
    }

    void release() {
        holder = "";
        touch();
        connectionInUse.release();
    }

    /**
     * Runs a catalog listing: on the session's own connection when it is free (so the session's
     * temporary objects are listed too), else on a second connection of the session, so a listing
     * never waits for or disturbs a result being read.
     */
    synchronized <T> T withMetadataConnection(MetadataWork<T> work) throws SQLException {
        if (closed) {
            throw new PondhouseException(ErrorKind.NOT_FOUND, "session " + id + " is closed");
        }
        touch();
        if (connectionInUse.tryAcquire()) {
            try {
                holder = "a catalog listing";
                return work.run(connection);
            } finally {
                holder = "";
                connectionInUse.release();
            }
        }
        if (metadataConnection == null) {
            metadataConnection = connection.duplicate();
        }
        return work.run(metadataConnection);
    }

    void addPrepared(PreparedQuery query) {
        preparedQueries.put(query.handle(), query);
    }

    Optional<PreparedQuery> prepared(String handle) {
        return Optional.ofNullable(preparedQueries.get(handle));
    }

    Optional<PreparedQuery> removePrepared(String handle) {
        return Optional.ofNullable(preparedQueries.remove(handle));
    }

    /** The queries the statement guard allowed in this session (see {@link CheckedStatements}). */
    CheckedStatements<UserAccess> checkedStatements() {
        return checkedStatements;
    }

    /**
     * The user's access (roles and the rules that apply to them) that the session's temporary
     * objects were created under; empty before the first statement.
     */
    synchronized Optional<String> accessKey() {
        return accessKey;
    }

    synchronized void accessKey(String key) {
        accessKey = Optional.of(key);
    }

    synchronized Optional<String> transactionId() {
        return transactionId;
    }

    synchronized void transactionId(Optional<String> transaction) {
        this.transactionId = requireNonNull(transaction, "transaction is null");
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Closes prepared statements and both connections; an open transaction is rolled back by
     * DuckDB when its connection closes. Running statements are interrupted first by the caller.
     */
    @Override
    public void close() throws SQLException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        boolean idle = false;
        try {
            // Let a statement that was just interrupted by the caller leave the connection first.
            idle = connectionInUse.tryAcquire(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!idle) {
            throw new SQLException("session " + id + " did not become idle within 30 s; its connection is left open");
        }
        SQLException failure = null;
        for (PreparedQuery query : preparedQueries.values()) {
            try {
                query.close();
            } catch (SQLException e) {
                failure = chain(failure, e);
            }
        }
        preparedQueries.clear();
        synchronized (this) {
            if (metadataConnection != null) {
                try {
                    metadataConnection.close();
                } catch (SQLException e) {
                    failure = chain(failure, e);
                }
            }
        }
        try {
            connection.close();
        } catch (SQLException e) {
            failure = chain(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static SQLException chain(SQLException first, SQLException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** Work on the metadata connection. */
    @FunctionalInterface
    public interface MetadataWork<T> {
        T run(DuckDBConnection connection) throws SQLException;
    }
}
