package dev.pondhouse.server.lake.delta;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;

/** The table writer on a local folder. */
class DeltaTableWriterLocalTest extends DeltaTableWriterContractTest {
    @Override
    protected BlobStore store() {
        return new LocalBlobStore(directory.resolve("lake"));
    }
}
