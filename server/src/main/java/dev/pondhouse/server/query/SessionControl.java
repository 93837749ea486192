package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client changes about its session other than running statements: transactions, the
 * default catalog and schema, and catalog listings. Thread-safe; every use of a session's
 * connection goes through {@link QuerySession#acquire}.
 */
public final class SessionControl {
    private static final Logger log = LoggerFactory.getLogger(SessionControl.class);

    private final Duration queueTimeout;

    /** @param queueTimeout how long to wait for a session whose connection is busy ({@code query.queue-timeout}) */
    public SessionControl(Duration queueTimeout) {
        this.queueTimeout = requireNonNull(queueTimeout, "queueTimeout is null");
    }

    public String beginTransaction(QuerySession session) {
        if (session.transactionId().isPresent()) {
            throw new PondhouseException(ErrorKind.CONFLICT, "a transaction is already open in this session; "
                    + "commit or roll it back first");
        }
        DuckDBConnection connection = session.acquire(queueTimeout, "beginning a transaction");
        try {
            connection.setAutoCommit(false);
            String id = java.util.UUID.randomUUID().toString();
            session.transactionId(Optional.of(id));
            return id;
        } catch (SQLException e) {
            throw DuckDbErrors.classify(e);
        } finally {
            session.release();
        }
    }

    public void endTransaction(QuerySession session, String transactionId, boolean commit) {
        checkTransaction(session, Optional.of(transactionId));
        DuckDBConnection connection = session.acquire(queueTimeout, "ending a transaction");
        try {
            if (commit) {
                connection.commit();
            } else {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw DuckDbErrors.classify(e);
        } finally {
            // A rollback takes back temporary objects created in the transaction.
            session.checkedStatements().forget();
            session.transactionId(Optional.empty());
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                log.warn("session {}: could not return to auto-commit: {}", session.id(), e.getMessage());
            }
            session.release();
        }
    }

    /** Sets the session's default catalog and/or schema (Flight SQL session options). */
    public void use(QuerySession session, Optional<String> catalog, Optional<String> schema) {
        if (catalog.isEmpty() && schema.isEmpty()) {
            return;
        }
        DuckDBConnection connection = session.acquire(queueTimeout, "changing the default schema");
        try (java.sql.Statement statement = connection.createStatement()) {
            String target = catalog.isPresent() && schema.isPresent()
                    ? SqlIdentifiers.quote(catalog.get()) + "." + SqlIdentifiers.quote(schema.get())
                    : SqlIdentifiers.quote(catalog.or(() -> schema).orElseThrow());
            statement.execute("USE " + target);
        } catch (SQLException e) {
            throw DuckDbErrors.classify(e);
        } finally {
            session.checkedStatements().forget();
            session.release();
        }
    }

    /** The session's current catalog and schema. */
    public List<String> currentCatalogAndSchema(QuerySession session) {
        DuckDBConnection connection = session.acquire(queueTimeout, "reading the default schema");
        try (java.sql.Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_database(), current_schema()")) {
            result.next();
            return List.of(result.getString(1), result.getString(2));
        } catch (SQLException e) {
            throw DuckDbErrors.classify(e);
        } finally {
            session.release();
        }
    }

    /** Runs catalog listings on the session's metadata connection. */
    public <T> T metadata(QuerySession session, QuerySession.MetadataWork<T> work) {
        try {
            return session.withMetadataConnection(work);
        } catch (SQLException e) {
            throw DuckDbErrors.classify(e);
        }
    }

    static void checkTransaction(QuerySession session, Optional<String> transactionId) {
        if (transactionId.isPresent() && !transactionId.equals(session.transactionId())) {
            throw PondhouseException.notFound("transaction " + transactionId.get() + " is not open in this session");
        }
    }
}
