package dev.pondhouse.server.query.metadata;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;

/**
 * An in-memory DuckDB laid out like the server's: the lake attached as catalog {@code pondhouse}
 * with schemas of views, plus whatever a test adds. Closing it closes the instance.
 */
final class LakeDatabase implements AutoCloseable {

    static final String LAKE = "pondhouse";

    private final DuckDBConnection connection;

    private LakeDatabase(DuckDBConnection connection) {
        this.connection = connection;
    }

    /** Opens an empty instance with the lake catalog attached. */
    static LakeDatabase open() throws SQLException {
        DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        LakeDatabase database = new LakeDatabase(connection);
        try {
            database.execute("ATTACH ':memory:' AS " + LAKE);
            return database;
        } catch (SQLException failure) {
            try {
                connection.close();
            } catch (SQLException closeFailure) {
                failure.addSuppressed(closeFailure);
            }
            throw failure;
        }
    }

    /** Runs statements on the instance's first connection. */
    LakeDatabase execute(String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
        return this;
    }

    /** The first connection, standing for one session. */
    Connection connection() {
        return connection;
    }

    /** A new session connection on the same instance, as the server makes per client. */
    Connection newSession() throws SQLException {
        return connection.duplicate();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
