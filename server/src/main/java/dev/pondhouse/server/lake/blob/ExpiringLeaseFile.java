package dev.pondhouse.server.lake.blob;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobStore.CreateOutcome;
import dev.pondhouse.server.lake.blob.BlobStore.Lease;
import dev.pondhouse.server.lake.blob.BlobStore.ReplaceOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * A lease kept in the lock blob's content, {@code holder=<id>\nexpires=<epoch millis>\n}, written only
 * with the store's own atomic primitives: {@link BlobStore#createIfAbsent} takes a lease on a new lock
 * blob, {@link BlobStore#replaceIfMatch} takes an expired one over, renews and releases (writes an
 * expiry of 0). Every write is a compare-and-swap on the ETag the holder last wrote, so of concurrent
 * callers at most one wins, and a holder whose lease was taken over learns it at its next renewal.
 *
 * <p>Expiry is judged by the wall clock of whoever reads the blob: correct when the holders share one
 * clock (processes on one machine, which is what {@link LocalBlobStore} is for). Content that cannot
 * be parsed counts as expired.
 */
final class ExpiringLeaseFile implements Lease {
    private static final int ATTEMPTS = 3;

    private final BlobStore store;
    private final String name;
    private final Duration duration;
    private final Clock clock;
    private final String holder = UUID.randomUUID().toString();
    // Guarded by this: the ETag of this holder's last write; empty once released or lost.
    private Optional<String> etag = Optional.empty();

    private ExpiringLeaseFile(BlobStore store, String name, Duration duration, Clock clock) {
        this.store = store;
        this.name = name;
        this.duration = duration;
        this.clock = clock;
    }

    /** See {@link BlobStore#acquireLease}; {@code store} provides the atomic writes. */
    static Optional<Lease> acquire(BlobStore store, String name, Duration duration, Clock clock) {
        requireNonNull(store, "store is null");
        BlobName.requireValid(name);
        requireNonNull(duration, "duration is null");
        requireNonNull(clock, "clock is null");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a lease duration must be positive: " + duration);
        }
        ExpiringLeaseFile lease = new ExpiringLeaseFile(store, name, duration, clock);
        return lease.take() ? Optional.of(lease) : Optional.empty();
    }

    private synchronized boolean take() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<BlobEntry> before = store.properties(name);
            if (before.isEmpty()) {
                if (store.createIfAbsent(name, content(expiry())) == CreateOutcome.CREATED) {
                    return remember();
                }
                continue; // another caller created it just now: look again
            }
            byte[] current;
            try {
                current = store.read(name);
            } catch (BlobStoreException e) {
                if (e.blobKind() == BlobStoreException.Kind.NOT_FOUND) {
                    continue;
                }
                throw e;
            }
            Optional<BlobEntry> after = store.properties(name);
            if (after.isEmpty() || !after.get().etag().equals(before.get().etag())) {
                continue; // changed while we read: the content may not belong to that ETag
            }
            if (expiresAt(current) > clock.millis()) {
                return false;
            }
            return store.replaceIfMatch(name, content(expiry()), before.get().etag()) == ReplaceOutcome.REPLACED
                    && remember();
        }
        return false; // the blob keeps changing: others are contending for it
    }

    private boolean remember() {
        // The ETag of our own write; read separately, so a takeover in between shows up as a mismatch at renewal.
        Optional<BlobEntry> written = store.properties(name);
        String content = written.isPresent() ? new String(store.read(name), UTF_8) : "";
        if (written.isEmpty() || !content.startsWith("holder=" + holder + "\n")
                || !store.properties(name).map(BlobEntry::etag).equals(Optional.of(written.get().etag()))) {
            return false;
        }
        etag = Optional.of(written.get().etag());
        return true;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized boolean renew() {
        if (etag.isEmpty()) {
            return false;
        }
        if (store.replaceIfMatch(name, content(expiry()), etag.get()) != ReplaceOutcome.REPLACED) {
            etag = Optional.empty();
            return false;
        }
        return remember();
    }

    @Override
    public synchronized void release() {
        if (etag.isEmpty()) {
            return;
        }
        String expected = etag.get();
        etag = Optional.empty();
        store.replaceIfMatch(name, content(0), expected);
    }

    private long expiry() {
        return clock.millis() + duration.toMillis();
    }

    private byte[] content(long expiresAtMillis) {
        return ("holder=" + holder + "\nexpires=" + expiresAtMillis + "\n").getBytes(UTF_8);
    }

    private static long expiresAt(byte[] content) {
        for (String line : new String(content, UTF_8).split("\n")) {
            if (line.startsWith("expires=")) {
                try {
                    return Long.parseLong(line.substring("expires=".length()).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return "lease on " + name + " (" + holder + ")";
    }
}
