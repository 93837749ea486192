package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.LakeTableName;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Table locks in this JVM's memory: right when one server runs the jobs of a lake. Runners that share
 * one instance exclude each other, as servers sharing a blob lease store would. A lease is never lost.
 */
public final class InProcessTableLock implements TableLock {
    private final Map<LakeTableName, String> holders = new ConcurrentHashMap<>();

    @Override
    public Optional<Lease> tryLock(LakeTableName table, String holder) {
        requireNonNull(table, "table is null");
        requireNonNull(holder, "holder is null");
        if (holders.putIfAbsent(table, holder) != null) {
            return Optional.empty();
        }
        AtomicBoolean released = new AtomicBoolean();
        return Optional.of(new Lease() {
            @Override
            public LakeTableName table() {
                return table;
            }

            @Override
            public boolean held() {
                return !released.get();
            }

            @Override
            public void close() {
                if (released.compareAndSet(false, true)) {
                    holders.remove(table, holder);
                }
            }
        });
    }

    /** Who holds {@code table}'s lock now, if anyone. */
    public Optional<String> holder(LakeTableName table) {
        return Optional.ofNullable(holders.get(table));
    }
}
