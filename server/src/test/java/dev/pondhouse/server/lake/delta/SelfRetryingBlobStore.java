package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A store whose {@link #createIfAbsent} behaves like a cloud store that retried a timed-out write
 * which had in fact landed: it creates the blob and then answers {@code ALREADY_EXISTS}.
 */
final class SelfRetryingBlobStore implements BlobStore {
    private final BlobStore delegate;

    SelfRetryingBlobStore(BlobStore delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    @Override
    public CreateOutcome createIfAbsent(String name, byte[] content) {
        delegate.createIfAbsent(name, content);
        return CreateOutcome.ALREADY_EXISTS;
    }

    @Override
    public byte[] read(String name) {
        return delegate.read(name);
    }

    @Override
    public byte[] readRange(String name, long offset, long length) {
        return delegate.readRange(name, offset, length);
    }

    @Override
    public long download(String name, Path target) {
        return delegate.download(name, target);
    }

    @Override
    public List<BlobEntry> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public ReplaceOutcome replaceIfMatch(String name, byte[] content, String expectedEtag) {
        return delegate.replaceIfMatch(name, content, expectedEtag);
    }

    @Override
    public void upload(String name, Path localFile) {
        delegate.upload(name, localFile);
    }

    @Override
    public boolean delete(String name) {
        return delegate.delete(name);
    }

    @Override
    public Optional<BlobEntry> properties(String name) {
        return delegate.properties(name);
    }
}
