package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.ForwardingBlobStore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A store that runs an action once, just before the first commit file is written through it: after
 * a writer has uploaded its data files and before its commit, which is where a concurrent writer
 * wins a race or a process dies.
 */
final class BeforeFirstCommitBlobStore extends ForwardingBlobStore {
    private final Runnable action;
    private final AtomicBoolean done = new AtomicBoolean();

    BeforeFirstCommitBlobStore(BlobStore delegate, Runnable action) {
        super(delegate);
        this.action = requireNonNull(action, "action is null");
    }

    @Override
    public CreateOutcome createIfAbsent(String name, byte[] content) {
        if (isCommitFile(name) && done.compareAndSet(false, true)) {
            action.run();
        }
        return super.createIfAbsent(name, content);
    }
}
