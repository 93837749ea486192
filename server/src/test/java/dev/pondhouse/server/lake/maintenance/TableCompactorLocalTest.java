package dev.pondhouse.server.lake.maintenance;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;

/** Compaction on a local folder. */
class TableCompactorLocalTest extends TableCompactorContractTest {
    @Override
    protected BlobStore store() {
        return new LocalBlobStore(directory.resolve("lake"));
    }
}
