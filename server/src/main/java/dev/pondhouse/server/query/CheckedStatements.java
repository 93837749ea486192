package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The queries one session's statement guard allowed, by their text, so that a statement the session
 * runs again (a dashboard refreshing, a client preparing the same query each time) is not parsed
 * and checked again: the check costs a few milliseconds per statement (DuckDB parses it, the guard
 * walks the tree and reads the session's defaults and temporary objects).
 *
 * <p>An entry answers only for the exact access object it was checked under (the session's
 * {@link dev.pondhouse.server.query.access.UserAccess}, compared by identity: a new rules or
 * lake generation, or new roles, make a new one), and the session forgets every entry whenever its
 * defaults or temporary objects may change ({@link #forget}): when a statement other than a query
 * runs (CREATE or DROP of a temporary object, USE), when the default catalog or schema is set, when
 * a transaction ends (a rollback undoes temporary objects) and when temporary objects are dropped
 * because the user's access changed. Those happen while the session's connection is held, and
 * lookups need the connection too, so no lookup sees an entry from before such a change.
 *
 * <p>With a query the session also remembers its {@link QueryShape} (result columns, parameters)
 * once it was prepared, so that running or preparing the same text again needs no DuckDB prepare
 * (which for DuckDB means planning the statement twice, see {@code PreparedStatements}); a shape
 * holds only at the lake version it was learned at, because a table's columns can change with its
 * next version.
 *
 * <p>Only queries are kept, and none whose text is longer than {@link #MAXIMUM_TEXT_LENGTH}
 * characters; the least recently used entries go when more than {@code capacity} entries or more
 * than {@code maximumCharacters} characters of text (the client's and the text to run) are kept,
 * so a session's memory stays bounded. Thread-safe.
 */
final class CheckedStatements<A> {
    static final int MAXIMUM_TEXT_LENGTH = 64 * 1024;

    private final int capacity;
    private final long maximumCharacters;
    // Access order: the first entry is the least recently used.
    private final LinkedHashMap<String, Entry<A>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long characters;

    /** {@code shape} is the query's shape as of lake version {@code lakeVersion}, or null. */
    private record Entry<A>(A access, StatementAuthorizer.Authorized authorized, QueryShape shape, long lakeVersion) {
        long characters(String sql) {
            return (long) sql.length() + authorized.sql().length();
        }
    }

    CheckedStatements(int capacity, long maximumCharacters) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        if (maximumCharacters < 1) {
            throw new IllegalArgumentException("maximumCharacters must be at least 1, not " + maximumCharacters);
        }
        this.capacity = capacity;
        this.maximumCharacters = maximumCharacters;
    }

    /** What the guard decided for {@code sql} under exactly this access, if it is remembered. */
    synchronized Optional<StatementAuthorizer.Authorized> find(String sql, A access) {
        Entry<A> entry = entries.get(sql);
        return entry != null && entry.access() == access ? Optional.of(entry.authorized()) : Optional.empty();
    }

    /** Remembers an allowed query; other statements and very long texts are not kept. */
    synchronized void remember(String sql, A access, StatementAuthorizer.Authorized authorized) {
        requireNonNull(access, "access is null");
        if (authorized.changesSession() || sql.length() > MAXIMUM_TEXT_LENGTH
                || authorized.sql().length() > MAXIMUM_TEXT_LENGTH) {
            return;
        }
        Entry<A> entry = new Entry<>(access, authorized, null, 0);
        Entry<A> replaced = entries.put(sql, entry);
        if (replaced != null) {
            characters -= replaced.characters(sql);
        }
        characters += entry.characters(sql);
        Iterator<Map.Entry<String, Entry<A>>> leastRecentlyUsed = entries.entrySet().iterator();
        while (entries.size() > capacity || characters > maximumCharacters) {
            Map.Entry<String, Entry<A>> eldest = leastRecentlyUsed.next();
            characters -= eldest.getValue().characters(eldest.getKey());
            leastRecentlyUsed.remove();
        }
    }

    /**
     * The shape of the remembered query, when {@code authorized} is the decision this memory handed
     * out for {@code sql} (so it holds for the same access) and the shape was learned at this lake
     * version ({@code ViewPublisher#version}).
     */
    synchronized Optional<QueryShape> shape(String sql, StatementAuthorizer.Authorized authorized, long lakeVersion) {
        Entry<A> entry = entries.get(sql);
        return entry != null && entry.authorized() == authorized && entry.shape() != null
                && entry.lakeVersion() == lakeVersion
                ? Optional.of(entry.shape())
                : Optional.empty();
    }

    /**
     * Adds the shape of a remembered query, learned at {@code lakeVersion} (read before the statement
     * was prepared); nothing when {@code authorized} is not the decision remembered for {@code sql}.
     */
    synchronized void rememberShape(String sql, StatementAuthorizer.Authorized authorized, long lakeVersion,
            QueryShape shape) {
        requireNonNull(shape, "shape is null");
        Entry<A> entry = entries.get(sql);
        if (entry != null && entry.authorized() == authorized) {
            entries.put(sql, new Entry<>(entry.access(), authorized, shape, lakeVersion));
        }
    }

    /** Forgets everything: the session's defaults or temporary objects may have changed. */
    synchronized void forget() {
        entries.clear();
        characters = 0;
    }

    synchronized long characters() {
        return characters;
    }

    synchronized int size() {
        return entries.size();
    }
}
