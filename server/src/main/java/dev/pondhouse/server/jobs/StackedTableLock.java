package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.LakeTableName;
import java.util.Optional;

/**
 * Two table locks taken in order, e.g. {@link InProcessTableLock} (cheap, excludes this server's own
 * runners) before {@link BlobLeaseTableLock} (excludes other servers). A lease holds both; it is held
 * while both are, and closing it releases the second, then the first. When the second refuses or fails,
 * the first is released before answering. Thread-safe when both locks are.
 */
public final class StackedTableLock implements TableLock {
    private final TableLock first;
    private final TableLock second;

    public StackedTableLock(TableLock first, TableLock second) {
        this.first = requireNonNull(first, "first is null");
        this.second = requireNonNull(second, "second is null");
    }

    @Override
    public Optional<Lease> tryLock(LakeTableName table, String holder) {
        Optional<Lease> outer = first.tryLock(table, holder);
        if (outer.isEmpty()) {
            return Optional.empty();
        }
        Optional<Lease> inner;
        try {
            inner = second.tryLock(table, holder);
        } catch (RuntimeException | Error e) {
            outer.get().close();
            throw e;
        }
        if (inner.isEmpty()) {
            outer.get().close();
            return Optional.empty();
        }
        Lease firstLease = outer.get();
        Lease secondLease = inner.get();
        return Optional.of(new Lease() {
            @Override
            public LakeTableName table() {
                return table;
            }

            @Override
            public boolean held() {
                return firstLease.held() && secondLease.held();
            }

            @Override
            public void close() {
                try {
                    secondLease.close();
                } finally {
                    firstLease.close();
                }
            }
        });
    }
}
