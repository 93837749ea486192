package dev.pondhouse.server.lake.maintenance;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;

/** Log maintenance on a local folder. */
class LogMaintenanceLocalTest extends LogMaintenanceContractTest {
    @Override
    protected BlobStore store() {
        return new LocalBlobStore(directory.resolve("lake"));
    }
}
