package dev.pondhouse.server.lake.delta;

import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.pondhouse.server.lake.blob.AzureBlobStore;
import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig;
import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig.Authentication;
import dev.pondhouse.server.lake.blob.AzuriteServer;
import dev.pondhouse.server.lake.blob.BlobStore;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** The table writer on Azure Blob Storage (Azurite). */
@ExtendWith(AzuriteServer.Extension.class)
class DeltaTableWriterAzureTest extends DeltaTableWriterContractTest {
    private AzuriteServer azurite;
    private String containerName;

    @BeforeEach
    void createContainer(AzuriteServer azurite) {
        this.azurite = azurite;
        containerName = AzuriteServer.uniqueContainerName();
        new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .createBlobContainer(containerName);
    }

    @Override
    protected BlobStore store() {
        return AzureBlobStore.fromConfig(new AzureBlobStoreConfig(containerName, Optional.empty(),
                new Authentication.ConnectionString(azurite.connectionString()), AzureBlobStoreConfig.Retry.DEFAULT));
    }
}
