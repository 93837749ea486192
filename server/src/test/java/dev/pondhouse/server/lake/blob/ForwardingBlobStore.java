package dev.pondhouse.server.lake.blob;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.delta.DeltaLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A store that passes every call to another; fakes override the calls they change. */
public abstract class ForwardingBlobStore implements BlobStore {
    protected final BlobStore delegate;

    protected ForwardingBlobStore(BlobStore delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    /** Whether {@code name} is a commit file (not a checkpoint or pointer). */
    public static boolean isCommitFile(String name) {
        return name.contains(DeltaLog.LOG_FOLDER) && name.matches(".*/\\d{20}\\.json");
    }

    @Override
    public CreateOutcome createIfAbsent(String name, byte[] content) {
        return delegate.createIfAbsent(name, content);
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
    public List<String> listFolders(String prefix) {
        return delegate.listFolders(prefix);
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

    @Override
    public Optional<Lease> acquireLease(String name, java.time.Duration duration) {
        return delegate.acquireLease(name, duration);
    }
}
