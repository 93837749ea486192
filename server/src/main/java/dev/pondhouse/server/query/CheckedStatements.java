package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

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
 * <p>Only queries are kept, and only up to {@link #MAXIMUM_TEXT_LENGTH} characters of text; the
 * least recently used entry goes when {@link #capacity} is reached. Thread-safe.
 */
final class CheckedStatements<A> {
    static final int MAXIMUM_TEXT_LENGTH = 64 * 1024;

    private final int capacity;
    private final Map<String, Entry<A>> entries;

    private record Entry<A>(A access, StatementAuthorizer.Authorized authorized) {}

    CheckedStatements(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry<A>> eldest) {
                return size() > CheckedStatements.this.capacity;
            }
        };
    }

    /** What the guard decided for {@code sql} under exactly this access, if it is remembered. */
    synchronized Optional<StatementAuthorizer.Authorized> find(String sql, A access) {
        Entry<A> entry = entries.get(sql);
        return entry != null && entry.access() == access ? Optional.of(entry.authorized()) : Optional.empty();
    }

    /** Remembers an allowed query; other statements and very long texts are not kept. */
    synchronized void remember(String sql, A access, StatementAuthorizer.Authorized authorized) {
        requireNonNull(access, "access is null");
        if (authorized.changesSession() || sql.length() > MAXIMUM_TEXT_LENGTH) {
            return;
        }
        entries.put(sql, new Entry<>(access, authorized));
    }

    /** Forgets everything: the session's defaults or temporary objects may have changed. */
    synchronized void forget() {
        entries.clear();
    }

    synchronized int size() {
        return entries.size();
    }
}
