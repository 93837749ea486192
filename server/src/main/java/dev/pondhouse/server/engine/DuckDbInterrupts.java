package dev.pondhouse.server.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.sql.SQLException;
import java.util.concurrent.locks.Lock;
import org.duckdb.DuckDBConnection;

/**
 * Interrupts whatever a DuckDB connection is running, from another thread.
 *
 * <p>DuckDB's JDBC driver (2.0) only exposes this through {@code Statement.cancel()}, which does
 * nothing once {@code execute()} has returned, i.e. while a streaming result is being fetched, the
 * phase in which most of a large query's work happens. The connection-level interrupt it uses
 * internally is package-private; this class calls it the way {@code cancel()} does (holding the
 * connection's lock). Both members are looked up once; if a driver upgrade removes them, the server
 * fails at start-up rather than silently losing cancellation.
 */
public final class DuckDbInterrupts {
    private static final MethodHandle CONNECTION_LOCK;
    private static final MethodHandle INTERRUPT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(DuckDBConnection.class, MethodHandles.lookup());
            CONNECTION_LOCK = lookup.findGetter(DuckDBConnection.class, "connRefLock",
                    java.util.concurrent.locks.ReentrantLock.class);
            INTERRUPT = lookup.findVirtual(DuckDBConnection.class, "interrupt", MethodType.methodType(void.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("this DuckDB JDBC driver has no connection interrupt "
                    + "(expected DuckDBConnection.connRefLock and interrupt()); update DuckDbInterrupts: " + e);
        }
    }

    private DuckDbInterrupts() {}

    /** Makes sure the interrupt is available (call at start-up). */
    public static void check() {
        // Loading the class resolved both members.
    }

    /** Interrupts the statement running on {@code connection}; it fails with DuckDB's INTERRUPT error. */
    public static void interrupt(DuckDBConnection connection) throws SQLException {
        Lock lock;
        try {
            lock = (Lock) CONNECTION_LOCK.invoke(connection);
        } catch (Throwable e) {
            throw new SQLException("cannot reach the connection's lock to interrupt it", e);
        }
        lock.lock();
        try {
            INTERRUPT.invoke(connection);
        } catch (SQLException e) {
            throw e;
        } catch (Throwable e) {
            throw new SQLException("interrupting the connection failed", e);
        } finally {
            lock.unlock();
        }
    }
}
