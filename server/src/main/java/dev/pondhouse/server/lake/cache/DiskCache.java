package dev.pondhouse.server.lake.cache;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.lake.blob.BlobName;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.BlobStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies of blobs on local disk, for DuckDB to read. A blob's {@link CacheKey} names its file
 * ({@link #pathOf}); the file appears there only complete and checked.
 *
 * <p><b>Fetching.</b> {@link #fetch} downloads a missing file on one of {@code downloadThreads}
 * threads to a temporary name in the target's folder ({@code .pondhouse-download-<uuid>}), checks
 * its size against the size the caller expects (the Delta log's {@code add.size}, or the listing's),
 * records its CRC-32C in a sidecar file ({@link FileCheck}) and then renames it into place
 * atomically. Concurrent fetches of one file share one download. A size mismatch fails the fetch;
 * the file is not cached. {@link #put} adds a local file the same way (a blob this process just
 * uploaded from it), so it is not downloaded again.
 *
 * <p><b>Checking on use.</b> Every fetch of a cached file compares a {@code stat} with what was
 * recorded: a changed size means damage; a changed modified time means something wrote to the file,
 * so its CRC-32C is computed again. A file found at {@link #start()} (from an earlier run) is
 * reused when its size matches the sidecar, and its content is checked against the CRC-32C once, at
 * its first fetch. A damaged file is never returned: it is deleted and downloaded again.
 *
 * <p><b>Budget and pins.</b> Callers pin the files a served snapshot references ({@link #pin}), per
 * owner (a table). When the files on disk, plus downloads under way, exceed {@code maxBytes}, the
 * least recently used files are deleted, but never a pinned file, never one being downloaded, and
 * never one used or unpinned less than {@code gracePeriod} ago (running queries may still read it).
 * Pinned files alone may exceed the budget: they are kept, and a warning says so.
 *
 * <p><b>Restart.</b> {@link #start()} deletes unfinished downloads and files without a valid
 * sidecar, and reuses the rest (see above). Files reused at start count as used at start, so they
 * are kept for a grace period while the first refresh pins what it serves.
 *
 * <p>Thread-safe. The index, the pins, the downloads in flight and the counters are kept by a
 * {@link CacheIndex}, guarded by its monitor; downloads and content checks run outside it, on the
 * download threads. The download threads are guarded by this object's monitor.
 */
public final class DiskCache implements AutoCloseable {
    static final String TEMPORARY_PREFIX = BlobName.RESERVED_PREFIX + "download-";
    static final String SIDECAR_PREFIX = BlobName.RESERVED_PREFIX + "check-";

    private static final Logger log = LoggerFactory.getLogger(DiskCache.class);

    private final Path directory;
    private final int downloadThreads;
    private final CacheIndex index;

    // Guarded by this.
    private ExecutorService executor;

    /** Counters since start, and what is on disk now. */
    public record Statistics(int files, long bytes, long downloads, long downloadedBytes, long hits, long evictions,
            long damagedFiles) {}

    /**
     * @param directory the cache folder (created at start)
     * @param maxBytes the size budget of the files in it
     * @param downloadThreads how many files download at once
     * @param gracePeriod how long a file stays after its last use or unpinning before it may be evicted
     * @param clock the time source for use and grace times
     */
    public DiskCache(Path directory, long maxBytes, int downloadThreads, Duration gracePeriod, Clock clock) {
        this.directory = requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
        requireNonNull(gracePeriod, "gracePeriod is null");
        requireNonNull(clock, "clock is null");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        if (downloadThreads < 1) {
            throw new IllegalArgumentException("downloadThreads must be at least 1: " + downloadThreads);
        }
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("gracePeriod must not be negative: " + gracePeriod);
        }
        this.downloadThreads = downloadThreads;
        this.index = new CacheIndex(this.directory, maxBytes, gracePeriod, clock);
    }

    /** The cache folder. */
    public Path directory() {
        return directory;
    }

    /** Creates the folder, cleans up after an earlier run and indexes the files it can reuse. */
    public synchronized void start() throws IOException {
        if (executor != null) {
            throw new IllegalStateException("cache already started");
        }
        Files.createDirectories(directory);
        int removed = 0;
        List<Path> files;
        try (Stream<Path> paths = Files.walk(directory)) {
            files = paths.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.startsWith(TEMPORARY_PREFIX)) {
                Files.deleteIfExists(file);
                removed++;
            } else if (name.startsWith(SIDECAR_PREFIX)) {
                if (!Files.exists(file.resolveSibling(name.substring(SIDECAR_PREFIX.length())))) {
                    Files.deleteIfExists(file);
                }
            } else {
                Optional<FileCheck> check = FileCheck.readSidecar(file);
                if (check.isPresent() && Files.size(file) == check.get().size()) {
                    index.addReused(file, check.get());
                } else {
                    FileCheck.deleteWithSidecar(file);
                    removed++;
                }
            }
        }
        AtomicInteger threadNumber = new AtomicInteger();
        executor = Executors.newFixedThreadPool(downloadThreads, runnable -> {
            Thread thread = new Thread(runnable, "pondhouse-cache-download-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Statistics reused = index.statistics();
        log.info("cache {}: {} file(s), {} bytes reused from disk; {} unfinished or unchecked file(s) removed",
                directory, reused.files(), reused.bytes(), removed);
    }

    /** Where the file of {@code key} is (or will be) in the cache. */
    public Path pathOf(CacheKey key) {
        return directory.resolve(key.relativePath());
    }

    /**
     * The local copy of a blob, downloading it if it is missing or damaged. The future completes with
     * the file once it is complete, checked and in place, or fails with a {@link CacheException}.
     *
     * @param store where the blob is
     * @param key its cache key (its name in {@code store}, and its version if it is not immutable)
     * @param expectedSize the size the blob must have
     */
    public CompletableFuture<Path> fetch(BlobStore store, CacheKey key, long expectedSize) {
        requireNonNull(store, "store is null");
        requireNonNull(key, "key is null");
        if (expectedSize < 0) {
            throw new IllegalArgumentException("expectedSize is negative: " + expectedSize);
        }
        Path file = pathOf(key);
        CompletableFuture<Path> result = new CompletableFuture<>();
        ExecutorService running = runningExecutor();
        Optional<CompletableFuture<Path>> existing = index.startFetch(file, expectedSize, result);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            running.execute(() -> {
                try {
                    Path ready = ensure(store, key, expectedSize, file);
                    index.finish(file);
                    result.complete(ready);
                } catch (Throwable e) {
                    index.finish(file);
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            index.finish(file);
            result.completeExceptionally(new CacheException(ErrorKind.UNAVAILABLE, "the cache is closing", e));
        }
        return result;
    }

    /**
     * Sets the files {@code owner} (for example a table) needs: they are not evicted while pinned.
     * Files the owner pinned before and no longer names start their grace period now.
     */
    public void pin(String owner, Collection<CacheKey> keys) {
        requireNonNull(owner, "owner is null");
        Set<Path> files = new HashSet<>();
        for (CacheKey key : keys) {
            files.add(pathOf(key));
        }
        index.pin(owner, files);
    }

    /** Drops every pin of {@code owner}; its files start their grace period now. */
    public void unpin(String owner) {
        pin(owner, List.of());
    }

    /** Deletes least recently used, unpinned files past their grace period while over the budget. */
    public void evict() {
        index.evict();
    }

    public Statistics statistics() {
        return index.statistics();
    }

    /** Stops the download threads; fetches still running fail. Files stay on disk for the next start. */
    @Override
    public void close() {
        ExecutorService running;
        synchronized (this) {
            running = executor;
            executor = null;
        }
        if (running != null) {
            running.shutdownNow();
            CacheException closed = new CacheException(ErrorKind.UNAVAILABLE, "the cache is closing", null);
            index.unfinished().forEach(future -> future.completeExceptionally(closed));
            try {
                running.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Adds a copy of the local file {@code source} under {@code key}, as if it had been fetched: for a
     * blob just uploaded from that file, so it need not be downloaded again. The copy is checked and
     * indexed like a download; it is not pinned. Does nothing when the key is cached already or being
     * fetched. Runs on the caller's thread.
     *
     * @throws CacheException if the file cannot be copied into the cache
     */
    public void put(CacheKey key, Path source) {
        requireNonNull(key, "key is null");
        requireNonNull(source, "source is null");
        Path file = pathOf(key);
        long size;
        try {
            size = Files.size(source);
        } catch (IOException e) {
            throw new CacheException(ErrorKind.INTERNAL, "cannot read " + source + " to cache it: " + e.getMessage(), e);
        }
        CompletableFuture<Path> result = new CompletableFuture<>();
        runningExecutor();
        if (!index.startPut(file, result)) { // a fetch of the same key meanwhile waits for this copy
            return;
        }
        try {
            Path ready = install(key, size, file, false, temporary -> {
                Files.copy(source, temporary, StandardCopyOption.REPLACE_EXISTING);
                return Files.size(temporary);
            });
            index.finish(file);
            result.complete(ready);
        } catch (RuntimeException e) {
            index.finish(file);
            result.completeExceptionally(e);
            throw e;
        }
    }

    /** The download threads, or an {@link IllegalStateException} before start or after close. */
    private synchronized ExecutorService runningExecutor() {
        if (executor == null) {
            throw new IllegalStateException("cache not started (or closed)");
        }
        return executor;
    }

    /** Runs on a download thread: the file checked and in place, downloaded if needed. */
    private Path ensure(BlobStore store, CacheKey key, long expectedSize, Path file) throws IOException {
        Optional<CacheIndex.Recorded> known = index.recorded(file);
        if (known.isPresent() && known.get().check().size() == expectedSize) {
            FileCheck recorded = known.get().check();
            Optional<BasicFileAttributes> attributes = FileCheck.attributes(file);
            if (attributes.isPresent() && attributes.get().size() == expectedSize) {
                boolean unchanged = known.get().verified() && recorded.matches(attributes.get());
                if (unchanged || FileCheck.crc32c(file) == recorded.crc32c()) {
                    FileCheck current = new FileCheck(expectedSize, recorded.crc32c(),
                            FileCheck.modifiedNanos(attributes.get()));
                    if (!current.equals(recorded)) {
                        current.writeSidecar(file); // touched but intact: remember the new time
                    }
                    index.verified(file, current);
                    return file;
                }
            }
            log.warn("cache: {} is damaged (size or content differs from the download); fetching it again", file);
            index.damaged();
        }
        index.remove(file);
        FileCheck.deleteWithSidecar(file);
        return install(key, expectedSize, file, true, temporary -> store.download(key.blobName(), temporary));
    }

    /** Writes a file's content to a temporary path; returns the number of bytes written. */
    @FunctionalInterface
    private interface Content {
        long writeTo(Path temporary) throws IOException;
    }

    /**
     * Writes {@code content} to a temporary name beside {@code file}, checks its size and CRC-32C,
     * moves it into place atomically, writes its sidecar and indexes it; {@code download} says whether
     * it counts as a download in the statistics.
     */
    private Path install(CacheKey key, long expectedSize, Path file, boolean download, Content content) {
        index.reserve(expectedSize);
        Path temporary = file.resolveSibling(TEMPORARY_PREFIX + UUID.randomUUID());
        try {
            Files.createDirectories(file.getParent());
            long written = content.writeTo(temporary);
            long onDisk = Files.size(temporary);
            if (written != expectedSize || onDisk != expectedSize) {
                throw new CacheException(ErrorKind.INTERNAL, "blob " + key.blobName() + " has " + onDisk
                        + " bytes, but " + expectedSize + " were expected; it is not served", null);
            }
            long crc = FileCheck.crc32c(temporary);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            FileCheck check = new FileCheck(expectedSize, crc, FileCheck.modifiedNanos(attributes));
            try {
                check.writeSidecar(file);
            } catch (IOException e) {
                Files.deleteIfExists(file);
                throw e;
            }
            index.installed(file, check, download);
            return file;
        } catch (BlobStoreException e) {
            ErrorKind kind = e.blobKind() == BlobStoreException.Kind.UNAVAILABLE ? ErrorKind.UNAVAILABLE : ErrorKind.INTERNAL;
            throw new CacheException(kind, "cannot download " + key.blobName() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CacheException(ErrorKind.INTERNAL, "cannot store " + key.blobName() + " in the cache at " + file
                    + ": " + e.getMessage(), e);
        } finally {
            index.release(expectedSize);
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                log.warn("cache: cannot delete the unfinished download {}: {}", temporary, e.getMessage());
            }
        }
    }
}
