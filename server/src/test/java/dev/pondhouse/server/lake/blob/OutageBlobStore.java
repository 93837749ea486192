package dev.pondhouse.server.lake.blob;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobStoreException.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A store that can be taken down: while {@link #down()} is set, every call fails with
 * {@code UNAVAILABLE}, as an unreachable Azure does; otherwise calls are passed on.
 */
public final class OutageBlobStore implements BlobStore {
    private final BlobStore delegate;
    private volatile boolean down;

    public OutageBlobStore(BlobStore delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    /** Storage becomes unreachable. */
    public void goDown() {
        down = true;
    }

    /** Storage answers again. */
    public void comeBack() {
        down = false;
    }

    public boolean down() {
        return down;
    }

    private void check(String name) {
        if (down) {
            throw new BlobStoreException(Kind.UNAVAILABLE, name, "Cannot reach blob '" + name + "': storage is down (test)");
        }
    }

    @Override
    public byte[] read(String name) {
        check(name);
        return delegate.read(name);
    }

    @Override
    public byte[] readRange(String name, long offset, long length) {
        check(name);
        return delegate.readRange(name, offset, length);
    }

    @Override
    public long download(String name, Path target) {
        check(name);
        return delegate.download(name, target);
    }

    @Override
    public List<BlobEntry> list(String prefix) {
        check(prefix);
        return delegate.list(prefix);
    }

    @Override
    public List<String> listFolders(String prefix) {
        check(prefix);
        return delegate.listFolders(prefix);
    }

    @Override
    public CreateOutcome createIfAbsent(String name, byte[] content) {
        check(name);
        return delegate.createIfAbsent(name, content);
    }

    @Override
    public ReplaceOutcome replaceIfMatch(String name, byte[] content, String expectedEtag) {
        check(name);
        return delegate.replaceIfMatch(name, content, expectedEtag);
    }

    @Override
    public void upload(String name, Path localFile) {
        check(name);
        delegate.upload(name, localFile);
    }

    @Override
    public boolean delete(String name) {
        check(name);
        return delegate.delete(name);
    }

    @Override
    public Optional<BlobEntry> properties(String name) {
        check(name);
        return delegate.properties(name);
    }

    @Override
    public Optional<Lease> acquireLease(String name, java.time.Duration duration) {
        check(name);
        return delegate.acquireLease(name, duration);
    }
}
