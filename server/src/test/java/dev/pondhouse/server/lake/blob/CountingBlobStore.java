package dev.pondhouse.server.lake.blob;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store that counts the downloads and reads made through it, per blob, and can hold downloads
 * back until released; everything else is passed on.
 */
public final class CountingBlobStore extends ForwardingBlobStore {
    private final Map<String, AtomicLong> downloads = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    public CountingBlobStore(BlobStore delegate) {
        super(delegate);
    }

    /** Downloads of any blob so far. */
    public long downloads() {
        return downloads.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Downloads of {@code name} so far. */
    public long downloads(String name) {
        AtomicLong count = downloads.get(name);
        return count == null ? 0 : count.get();
    }

    /** Whole-blob reads (log files) so far. */
    public long reads() {
        return reads.get();
    }

    /** Downloads started from now on wait until {@link #releaseDownloads()}. */
    public void holdDownloads() {
        gate = new CountDownLatch(1);
    }

    public void releaseDownloads() {
        gate.countDown();
    }

    @Override
    public long download(String name, Path target) {
        downloads.computeIfAbsent(name, key -> new AtomicLong()).incrementAndGet();
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("downloads held for more than 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while downloads were held", e);
        }
        return delegate.download(name, target);
    }

    @Override
    public byte[] read(String name) {
        reads.incrementAndGet();
        return delegate.read(name);
    }









}
