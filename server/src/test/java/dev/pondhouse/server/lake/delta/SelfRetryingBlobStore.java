package dev.pondhouse.server.lake.delta;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.ForwardingBlobStore;

/**
 * A store whose {@link #createIfAbsent} behaves like a cloud store that retried a timed-out write
 * which had in fact landed: it creates the blob and then answers {@code ALREADY_EXISTS}.
 */
final class SelfRetryingBlobStore extends ForwardingBlobStore {
    SelfRetryingBlobStore(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public CreateOutcome createIfAbsent(String name, byte[] content) {
        delegate.createIfAbsent(name, content);
        return CreateOutcome.ALREADY_EXISTS;
    }
}
