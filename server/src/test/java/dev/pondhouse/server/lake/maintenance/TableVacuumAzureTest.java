package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.AzuriteServer;
import dev.pondhouse.server.lake.blob.BlobStore;
import org.junit.jupiter.api.extension.ExtendWith;

/** Vacuum on Azure Blob Storage (Azurite). */
@ExtendWith(AzuriteServer.Extension.class)
class TableVacuumAzureTest extends TableVacuumContractTest {
    private final AzuriteServer azurite;

    TableVacuumAzureTest(AzuriteServer azurite) {
        this.azurite = requireNonNull(azurite, "azurite is null");
    }

    @Override
    protected BlobStore store() {
        return AzuriteStores.newContainer(azurite);
    }
}
