package dev.pondhouse.server.lake.maintenance;

import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.pondhouse.server.lake.blob.AzureBlobStore;
import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig;
import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig.Authentication;
import dev.pondhouse.server.lake.blob.AzuriteServer;
import dev.pondhouse.server.lake.blob.BlobStore;
import java.util.Optional;

/** Stores on Azurite for the maintenance tests. */
final class AzuriteStores {
    private AzuriteStores() {}

    /** A store on a new, empty container. */
    static BlobStore newContainer(AzuriteServer azurite) {
        String containerName = AzuriteServer.uniqueContainerName();
        new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .createBlobContainer(containerName);
        return AzureBlobStore.fromConfig(new AzureBlobStoreConfig(containerName, Optional.empty(),
                new Authentication.ConnectionString(azurite.connectionString()), AzureBlobStoreConfig.Retry.DEFAULT));
    }
}
