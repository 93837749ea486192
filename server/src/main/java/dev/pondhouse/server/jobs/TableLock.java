package dev.pondhouse.server.jobs;

import dev.pondhouse.server.lake.LakeTableName;
import java.util.Optional;

/**
 * Decides who runs a job on a table when several runners (several servers sharing one lake) might.
 * The runner takes the lock of each table a job writes just before the job runs and releases it when
 * the job ends.
 *
 * <p><b>Contract.</b> {@link #tryLock} never waits: it either grants the lock, or answers that another
 * holder has it. While a lease is held no other caller of any runner sharing the same lock store is
 * granted the same table. A lease may be lost (a blob lease that could not be renewed in time);
 * {@link Lease#held()} then turns false and the job is stopped at its next
 * {@link JobContext#checkCancelled()}.
 *
 * <p><b>Implementations.</b> {@link InProcessTableLock} for one server; {@link BlobLeaseTableLock}, a
 * lease on a lock blob in the table's folder renewed while the job runs, for a lake shared by several
 * servers; {@link StackedTableLock} takes one after the other.
 *
 * <p>Implementations are thread-safe.
 */
public interface TableLock {
    /**
     * Tries to take {@code table}'s lock for {@code holder} (a job id).
     *
     * @return the lease, or empty if another holder has the lock
     * @throws RuntimeException if the lock store cannot be reached; the job then fails as unavailable
     */
    Optional<Lease> tryLock(LakeTableName table, String holder);

    /** A granted lock. Closing releases it; closing twice is harmless. */
    interface Lease extends AutoCloseable {
        LakeTableName table();

        /** False once the lock was lost. */
        boolean held();

        /** Releases the lock; never throws (a failed release is logged, and a lease times out). */
        @Override
        void close();
    }
}
