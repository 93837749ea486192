package dev.pondhouse.server.lake.delta;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.ForwardingBlobStore;

/**
 * A store that lets another writer commit first: just before the first commit file is created
 * through it, it runs {@code rival} (which commits through another store), so the write through
 * this store loses the race for its version, deterministically.
 */
final class InterleavingBlobStore extends ForwardingBlobStore {
    /** A write that may throw checked exceptions. */
    interface Rival {
        void run() throws Exception;
    }

    private final Rival rival;
    private boolean ran;

    InterleavingBlobStore(BlobStore delegate, Rival rival) {
        super(delegate);
        this.rival = rival;
    }

    @Override
    public synchronized CreateOutcome createIfAbsent(String name, byte[] content) {
        if (isCommitFile(name) && !ran) {
            ran = true;
            try {
                rival.run();
            } catch (Exception e) {
                throw new AssertionError("the rival write failed", e);
            }
        }
        return super.createIfAbsent(name, content);
    }
}
