package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobStoreException;
import dev.pondhouse.server.lake.delta.DeltaWriteException.Reason;
import dev.pondhouse.server.lake.delta.WriteRequest.AppTransaction;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits one write's actions with optimistic concurrency: try the version after the one the write
 * read; on losing that race read the winning commits, let {@link ConflictChecker} decide, and try
 * the next version with the same actions (the data files are not written again), with a bounded
 * number of attempts and jittered exponential back-off.
 *
 * <p><b>Settling unknown outcomes.</b> When the store cannot say whether the commit file was
 * written ({@code UNKNOWN_OUTCOME}, or "exists" after an internal retry), the commit file of that
 * version is read back: it carries this write's commit id (committed), another's (lost the race),
 * or is absent, and then the same file is written again at the same version, which settles it
 * either way (create-if-absent: a late landing of the first write makes the retry find its own
 * id). The write never moves on to another version while the current one is unsettled, so it cannot
 * land twice. If attempts run out while unsettled, the outcome is reported unknown.
 *
 * <p>Thread-safe: it keeps no state between calls.
 */
final class OptimisticCommitter {
    private static final Logger log = LoggerFactory.getLogger(OptimisticCommitter.class);

    private final DeltaLog deltaLog;
    private final DeltaWriterSettings settings;

    OptimisticCommitter(DeltaLog deltaLog, DeltaWriterSettings settings) {
        this.deltaLog = requireNonNull(deltaLog, "deltaLog is null");
        this.settings = requireNonNull(settings, "settings is null");
    }

    /**
     * How a commit ended.
     *
     * @param committed true if the actions are {@code version}; false if the write's application
     *     transaction was found applied by a winner at {@code version}
     * @param version the version
     * @param attempts the attempts it took
     */
    record Outcome(boolean committed, long version, int attempts) {}

    private enum AttemptResult {
        COMMITTED,
        /** Another writer's commit is the version. */
        CONFLICT,
        /** The store changed nothing (unavailable): try the same version again. */
        RETRY_SAFE,
        /** The write may have landed or may still land: write the same version again to settle it. */
        RETRY_UNSETTLED
    }

    private record Attempt(AttemptResult result, Optional<BlobStoreException> failure) {
        static Attempt of(AttemptResult result) {
            return new Attempt(result, Optional.empty());
        }
    }

    /**
     * Commits {@code actions} (with the commit info carrying {@code commitId}) after {@code readVersion}.
     *
     * @param readVersion the version the actions were computed from, {@code -1} when creating the table
     * @throws DeltaWriteException {@code CONFLICT} (or {@code TABLE_EXISTS} when creating) if a winner
     *     conflicts or attempts run out, {@code OUTCOME_UNKNOWN} if the last attempt could not be
     *     settled, {@code FAILED} if the store fails otherwise; in all but the second nothing was committed
     */
    Outcome commit(long readVersion, ConflictChecker.Footprint footprint, List<Action> actions, String commitId,
            List<AppTransaction> transactions) {
        long expected = readVersion;
        boolean unsettled = false;
        BlobStoreException lastFailure = null;
        for (int attempt = 1; ; attempt++) {
            Attempt result;
            try {
                result = attempt(expected, actions, commitId);
            } catch (BlobStoreException e) {
                throw unsettled ? outcomeUnknown(expected + 1, attempt, e)
                        : new DeltaWriteException(Reason.FAILED, "cannot commit to " + deltaLog.tableRoot()
                                + "; nothing was committed: " + e.getMessage(), e);
            }
            if (result.failure().isPresent()) {
                lastFailure = result.failure().get();
            }
            switch (result.result()) {
                case COMMITTED -> {
                    return new Outcome(true, expected + 1, attempt);
                }
                case CONFLICT -> {
                    unsettled = false;
                    long latest = expected;
                    for (long version = expected + 1; ; version++) {
                        Optional<List<Action>> winner = readCommitIfPresent(version);
                        if (winner.isEmpty()) {
                            break;
                        }
                        Optional<Outcome> applied = checkWinner(readVersion, footprint, transactions, version,
                                winner.get(), attempt);
                        if (applied.isPresent()) {
                            return applied.get();
                        }
                        latest = version;
                    }
                    log.debug("{}: lost the race for version {}, retrying after version {}", deltaLog.tableRoot(),
                            expected + 1, latest);
                    expected = latest;
                }
                case RETRY_SAFE -> {
                    // The store was unavailable and changed nothing: try the same version again.
                }
                case RETRY_UNSETTLED -> unsettled = true;
            }
            if (attempt >= settings.maxCommitAttempts()) {
                if (unsettled) {
                    throw outcomeUnknown(expected + 1, attempt, lastFailure);
                }
                throw new DeltaWriteException(Reason.CONFLICT, "gave up committing to " + deltaLog.tableRoot() + " after "
                        + attempt + " attempts (concurrent commits or store unavailable); nothing was committed,"
                        + " run the write again");
            }
            pause(attempt, unsettled, expected + 1);
        }
    }

    private Attempt attempt(long expected, List<Action> actions, String commitId) {
        long version = expected + 1;
        try {
            return Attempt.of(deltaLog.commit(expected, actions).committed() ? AttemptResult.COMMITTED : AttemptResult.CONFLICT);
        } catch (BlobStoreException e) {
            if (e.blobKind() == BlobStoreException.Kind.UNAVAILABLE) {
                return new Attempt(AttemptResult.RETRY_SAFE, Optional.of(e));
            }
            if (e.blobKind() != BlobStoreException.Kind.UNKNOWN_OUTCOME) {
                throw e;
            }
            log.warn("{}: the outcome of writing version {} is unknown, reading it back: {}", deltaLog.tableRoot(),
                    version, e.getMessage());
            Optional<Boolean> ours;
            try {
                ours = deltaLog.isCommittedBy(version, commitId);
            } catch (BlobStoreException | DeltaLogException readBack) {
                e.addSuppressed(readBack);
                return new Attempt(AttemptResult.RETRY_UNSETTLED, Optional.of(e));
            }
            if (ours.isEmpty()) {
                // Not there (yet): writing the same file again at the same version settles it.
                return new Attempt(AttemptResult.RETRY_UNSETTLED, Optional.of(e));
            }
            return Attempt.of(ours.get() ? AttemptResult.COMMITTED : AttemptResult.CONFLICT);
        }
    }

    /**
     * Empty if this winner does not conflict; the already-applied outcome if it holds every one of our
     * transactions; else throws.
     */
    private Optional<Outcome> checkWinner(long readVersion, ConflictChecker.Footprint footprint,
            List<AppTransaction> transactions, long version, List<Action> winner, int attempt) {
        if (readVersion < 0) {
            throw new DeltaWriteException(Reason.TABLE_EXISTS, "Delta table " + deltaLog.tableRoot()
                    + " was created by another writer at the same time; nothing was committed");
        }
        int applied = 0;
        for (Action action : winner) {
            if (!(action instanceof Transaction txn)) {
                continue;
            }
            for (AppTransaction transaction : transactions) {
                if (!txn.appId().equals(transaction.appId())) {
                    continue;
                }
                if (txn.version() < transaction.version()) {
                    throw new DeltaWriteException(Reason.CONFLICT, "version " + version + " of " + deltaLog.tableRoot()
                            + " was committed concurrently by the same application " + txn.appId() + " (its version "
                            + txn.version() + "); nothing was committed");
                }
                applied++;
            }
        }
        if (applied > 0 && applied == transactions.size()) {
            return Optional.of(new Outcome(false, version, attempt));
        }
        if (applied > 0) {
            throw new DeltaWriteException(Reason.CONFLICT, "version " + version + " of " + deltaLog.tableRoot()
                    + " applied some of this write's application transactions concurrently; nothing was committed");
        }
        Optional<String> conflict = ConflictChecker.conflict(footprint, version, winner);
        if (conflict.isPresent()) {
            throw new DeltaWriteException(Reason.CONFLICT, "concurrent commit to " + deltaLog.tableRoot() + ": "
                    + conflict.get() + "; nothing was committed, run the write again");
        }
        return Optional.empty();
    }

    private Optional<List<Action>> readCommitIfPresent(long version) {
        try {
            return Optional.of(deltaLog.readCommit(version));
        } catch (BlobStoreException e) {
            if (e.blobKind() == BlobStoreException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw new DeltaWriteException(Reason.FAILED, "cannot read the concurrent commit " + version + " of "
                    + deltaLog.tableRoot() + "; nothing was committed: " + e.getMessage(), e);
        }
    }

    private void pause(int attempt, boolean unsettled, long version) {
        long cap = settings.initialBackoff().toNanos() << Math.min(attempt - 1, 20);
        cap = Math.min(Math.max(cap, 0), settings.maxBackoff().toNanos());
        long nanos = cap / 2 + (cap > 1 ? ThreadLocalRandom.current().nextLong(cap - cap / 2) : 0);
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (unsettled) {
                throw outcomeUnknown(version, attempt, null);
            }
            throw new DeltaWriteException(Reason.FAILED, "interrupted while committing to " + deltaLog.tableRoot()
                    + "; nothing was committed", e);
        }
    }

    private DeltaWriteException outcomeUnknown(long version, int attempts, Exception cause) {
        return new DeltaWriteException(Reason.OUTCOME_UNKNOWN, "the outcome of committing version " + version + " of "
                + deltaLog.tableRoot() + " is unknown after " + attempts + " attempts: the store could not confirm the"
                + " write nor show the commit file; the data files are kept. Read the table to find out, or run the"
                + " write again with the same transaction id", cause);
    }
}
