package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.BlobStoreException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Table locks as blob leases ({@link BlobStore#acquireLease}) on {@code <lake root><schema>/<table>/}{@value #LOCK_BLOB}
 * in the lake's store, so that servers sharing a lake run at most one job per table between them. The
 * lock blob sits outside {@code _delta_log/}, and its name starts with {@code _}, which the catalogs
 * ignore.
 *
 * <p>A lease is renewed in the background every third of its duration. It is lost when a renewal
 * answers that another holder has it, or when renewals keep failing (the store unreachable) until the
 * lease may have expired before the next try: one failed renewal is tolerated, two in a row are not.
 * {@link TableLock.Lease#held()} then turns false, and the runner stops the job at its next check.
 *
 * <p>Renewals run on one daemon thread per instance, so an instance needs no closing. Thread-safe.
 */
public final class BlobLeaseTableLock implements TableLock {
    /** The lock blob's name inside the table's folder. */
    public static final String LOCK_BLOB = "_pondhouse_job.lock";
    /** The default lease duration: Azure's shortest, so a crashed server blocks a table briefly. */
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(BlobLeaseTableLock.class);

    private final BlobStore store;
    private final String lakeRoot;
    private final Duration duration;
    private final ScheduledExecutorService renewals;

    /** Locks on a lake at the root of {@code store}. */
    public BlobLeaseTableLock(BlobStore store) {
        this(store, "", DEFAULT_DURATION);
    }

    /** Locks on a lake at the root of {@code store}, leases lasting {@code duration}. */
    public BlobLeaseTableLock(BlobStore store, Duration duration) {
        this(store, "", duration);
    }

    /**
     * @param store the lake's store
     * @param lakeRoot the lake's folder in the store: empty, or a prefix ending with {@code /}
     * @param duration how long a lease lasts without renewal; see {@link BlobStore#acquireLease}
     */
    public BlobLeaseTableLock(BlobStore store, String lakeRoot, Duration duration) {
        this.store = requireNonNull(store, "store is null");
        this.lakeRoot = requireNonNull(lakeRoot, "lakeRoot is null");
        if (!lakeRoot.isEmpty() && !lakeRoot.endsWith("/")) {
            throw new IllegalArgumentException("the lake root is empty or ends with '/': " + lakeRoot);
        }
        this.duration = requireNonNull(duration, "duration is null");
        if (duration.toMillis() < 3) {
            throw new IllegalArgumentException("lease duration too short: " + duration);
        }
        this.renewals = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pondhouse-table-lease");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The lock blob of {@code table} in a lake at {@code lakeRoot}. */
    public static String lockBlob(String lakeRoot, LakeTableName table) {
        return lakeRoot + table.folder() + LOCK_BLOB;
    }

    @Override
    public Optional<Lease> tryLock(LakeTableName table, String holder) {
        requireNonNull(table, "table is null");
        requireNonNull(holder, "holder is null");
        Optional<BlobStore.Lease> blobLease;
        try {
            blobLease = store.acquireLease(lockBlob(lakeRoot, table), duration);
        } catch (BlobStoreException e) {
            log.warn("job {}: cannot take the lease on table {}: {}", holder, table, e.getMessage());
            throw new PondhouseException(ErrorKind.UNAVAILABLE, "the lock of table " + table
                    + " cannot be taken: the lake's storage is unavailable (details are in the server log); try again later", e);
        }
        if (blobLease.isEmpty()) {
            return Optional.empty();
        }
        RenewedLease lease = new RenewedLease(table, holder, blobLease.get());
        long period = duration.toMillis() / 3;
        lease.renewal = renewals.scheduleWithFixedDelay(lease::renew, period, period, TimeUnit.MILLISECONDS);
        log.debug("job {} leased table {}", holder, table);
        return Optional.of(lease);
    }

    @Override
    public String toString() {
        return "BlobLeaseTableLock[" + store + ", " + duration + "]";
    }

    /** A blob lease and its renewal. {@code held} and {@code lastRenewed} are written by the renewal thread. */
    private final class RenewedLease implements Lease {
        private final LakeTableName table;
        private final String holder;
        private final BlobStore.Lease blobLease;
        private volatile boolean held = true;
        private volatile boolean closed;
        private volatile long lastRenewedNanos = System.nanoTime();
        private volatile ScheduledFuture<?> renewal;

        RenewedLease(LakeTableName table, String holder, BlobStore.Lease blobLease) {
            this.table = table;
            this.holder = holder;
            this.blobLease = blobLease;
        }

        void renew() {
            if (closed || !held) {
                return;
            }
            long startedNanos = System.nanoTime();
            try {
                if (blobLease.renew()) {
                    lastRenewedNanos = startedNanos;
                    return;
                }
                lose("another holder has it");
            } catch (RuntimeException e) {
                long nextTryNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(duration.toMillis() / 3);
                if (nextTryNanos - lastRenewedNanos >= duration.toNanos()) {
                    lose("renewals failed until it may have expired: " + e.getMessage());
                } else {
                    log.warn("job {}: renewing the lease on table {} failed; trying again: {}", holder, table, e.getMessage());
                }
            }
        }

        private void lose(String why) {
            held = false;
            if (!closed) {
                log.warn("job {} lost the lock on table {}: {}", holder, table, why);
            }
            ScheduledFuture<?> scheduled = renewal;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        @Override
        public LakeTableName table() {
            return table;
        }

        @Override
        public boolean held() {
            return held && !closed;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            ScheduledFuture<?> scheduled = renewal;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            try {
                blobLease.release();
            } catch (RuntimeException e) {
                log.warn("job {}: releasing the lease on table {} failed; it expires within {} s: {}", holder, table,
                        duration.toSeconds(), e.getMessage());
            }
        }
    }
}
