package dev.pondhouse.server.lake.maintenance;

import dev.pondhouse.server.lake.blob.AzuriteServer;
import dev.pondhouse.server.lake.blob.BlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** Compaction on Azure Blob Storage (Azurite). */
@ExtendWith(AzuriteServer.Extension.class)
class TableCompactorAzureTest extends TableCompactorContractTest {
    private BlobStore store;

    @BeforeEach
    void createContainer(AzuriteServer azurite) {
        store = AzuriteStores.newContainer(azurite);
    }

    @Override
    protected BlobStore store() {
        return store;
    }
}
