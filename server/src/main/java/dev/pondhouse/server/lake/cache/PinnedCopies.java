package dev.pondhouse.server.lake.cache;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.blob.BlobStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Local copies of blobs that one piece of work (a pipeline step, a job) reads, taken from a
 * {@link DiskCache} and pinned there under an owner of their own until {@link #close()}: the cache
 * does not evict them while DuckDB reads them. Closing unpins them; they then stay for the cache's
 * grace period and may be reused by anyone (the serving catalog, the next job).
 *
 * <p>Not thread-safe: it belongs to the thread doing the work. The constructor does no I/O.
 */
public final class PinnedCopies implements AutoCloseable {
    /** One blob to copy: where it is, its cache key, and the size it must have. */
    public record Blob(BlobStore store, CacheKey key, long size) {
        public Blob {
            requireNonNull(store, "store is null");
            requireNonNull(key, "key is null");
            if (size < 0) {
                throw new IllegalArgumentException("size must not be negative: " + size);
            }
        }
    }

    private final DiskCache cache;
    private final String owner;
    private final Set<CacheKey> pinned = new HashSet<>();
    private boolean closed;

    /**
     * @param cache the cache the copies are in
     * @param purpose names the owner of the pins in the cache, e.g. {@code pipeline-step}
     */
    public PinnedCopies(DiskCache cache, String purpose) {
        this.cache = requireNonNull(cache, "cache is null");
        this.owner = requireNonNull(purpose, "purpose is null") + ":" + UUID.randomUUID();
    }

    /**
     * The local copies of {@code blobs}, in their order, downloaded where missing: pinned first, then
     * fetched, so nothing evicts them in between.
     *
     * @throws CacheException if a blob cannot be copied (missing, another size, storage unreachable)
     */
    public List<Path> copies(List<Blob> blobs) {
        if (closed) {
            throw new IllegalStateException("the copies of " + owner + " were released already");
        }
        List<CacheKey> keys = blobs.stream().map(Blob::key).toList();
        if (pinned.addAll(keys)) {
            cache.pin(owner, pinned);
        }
        List<CompletableFuture<Path>> fetches = new ArrayList<>();
        for (Blob blob : blobs) {
            fetches.add(cache.fetch(blob.store(), blob.key(), blob.size()));
        }
        List<Path> paths = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<Path> fetch : fetches) {
            try {
                paths.add(fetch.join());
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime
                        : new PondhouseException(ErrorKind.INTERNAL, String.valueOf(e.getCause()), e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return paths;
    }

    /** Unpins every copy; they start the cache's grace period now. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cache.unpin(owner);
        }
    }
}
