package dev.pondhouse.server.lake.maintenance;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.ForwardingBlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;

/**
 * Compaction on a local folder seen through another store type, so the data files are downloaded
 * before the rewrite as for Azure ({@link DownloadedDataFiles}), not read in place.
 */
class TableCompactorDownloadingTest extends TableCompactorContractTest {
    @Override
    protected BlobStore store() {
        return new ForwardingBlobStore(new LocalBlobStore(directory.resolve("lake"))) {};
    }
}
