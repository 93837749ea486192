package dev.pondhouse.server.lake.delta;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.BlobStoreException;
import dev.pondhouse.server.lake.blob.BlobStoreException.Kind;
import dev.pondhouse.server.lake.blob.ForwardingBlobStore;

/**
 * A store whose commit writes end in {@code UNKNOWN_OUTCOME}, like a cloud store whose request timed
 * out: the first one after really writing, or without writing, or (unknowable) every one without
 * writing while reading commit files back fails too. Other blobs are written normally.
 */
final class UncertainCommitBlobStore extends ForwardingBlobStore {
    /** How commit writes go wrong. */
    enum Behaviour {
        /** The first commit write lands, then reports an unknown outcome. */
        FIRST_WRITTEN_THEN_UNKNOWN,
        /** The first commit write does not land and reports an unknown outcome. */
        FIRST_LOST_THEN_UNKNOWN,
        /** No commit write lands, each reports an unknown outcome, and commit files cannot be read. */
        ALWAYS_UNKNOWABLE
    }

    private final Behaviour behaviour;
    private int commitWrites;

    UncertainCommitBlobStore(BlobStore delegate, Behaviour behaviour) {
        super(delegate);
        this.behaviour = behaviour;
    }

    synchronized int commitWrites() {
        return commitWrites;
    }

    @Override
    public synchronized CreateOutcome createIfAbsent(String name, byte[] content) {
        if (!isCommitFile(name)) {
            return super.createIfAbsent(name, content);
        }
        commitWrites++;
        switch (behaviour) {
            case FIRST_WRITTEN_THEN_UNKNOWN -> {
                if (commitWrites == 1) {
                    super.createIfAbsent(name, content);
                    throw unknown(name);
                }
            }
            case FIRST_LOST_THEN_UNKNOWN -> {
                if (commitWrites == 1) {
                    throw unknown(name);
                }
            }
            case ALWAYS_UNKNOWABLE -> throw unknown(name);
        }
        return super.createIfAbsent(name, content);
    }

    @Override
    public byte[] read(String name) {
        if (behaviour == Behaviour.ALWAYS_UNKNOWABLE && isCommitFile(name) && commitWrites() > 0) {
            throw new BlobStoreException(Kind.UNAVAILABLE, name, "storage unreachable (test)");
        }
        return super.read(name);
    }

    private static BlobStoreException unknown(String name) {
        return new BlobStoreException(Kind.UNKNOWN_OUTCOME, name, "timed out after sending the request (test)");
    }
}
