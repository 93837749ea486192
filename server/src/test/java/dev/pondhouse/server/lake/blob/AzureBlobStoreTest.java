package dev.pondhouse.server.lake.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig.Authentication;
import dev.pondhouse.server.lake.blob.BlobStoreException.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The contract on Azurite, plus what only Azure has: authentication options and network failures. */
@ExtendWith(AzuriteServer.Extension.class)
class AzureBlobStoreTest extends BlobStoreContractTest {
    private static final AzureBlobStoreConfig.Retry FAST_RETRY =
            new AzureBlobStoreConfig.Retry(2, Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(100));

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

    @Test
    void leasesLastFifteenToSixtyWholeSeconds() {
        BlobStore store = store();

        assertThatThrownBy(() -> store.acquireLease("t/_job.lock", Duration.ofSeconds(14)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.acquireLease("t/_job.lock", Duration.ofMillis(15_500)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.acquireLease("t/_job.lock", Duration.ofSeconds(60))).isPresent();
    }

    @Test
    void signsInWithAnAccountKey() {
        BlobStore store = AzureBlobStore.fromConfig(new AzureBlobStoreConfig(containerName,
                Optional.of(azurite.blobEndpoint()),
                new Authentication.AccountKey(AzuriteServer.ACCOUNT_NAME, AzuriteServer.ACCOUNT_KEY), FAST_RETRY));

        store.createIfAbsent("key/blob", content(1));

        assertThat(store().read("key/blob")).isEqualTo(content(1));
    }

    @Test
    void aWrongKeyIsPermissionDenied() {
        String wrongKey = java.util.Base64.getEncoder().encodeToString(new byte[64]);
        BlobStore store = AzureBlobStore.fromConfig(new AzureBlobStoreConfig(containerName,
                Optional.of(azurite.blobEndpoint()),
                new Authentication.AccountKey(AzuriteServer.ACCOUNT_NAME, wrongKey), FAST_RETRY));

        assertKind(() -> store.read("anything"), Kind.PERMISSION_DENIED);
    }

    @Test
    void aMissingContainerIsNotFound() {
        BlobStore store = AzureBlobStore.fromConfig(new AzureBlobStoreConfig("no-such-container", Optional.empty(),
                new Authentication.ConnectionString(azurite.connectionString()), FAST_RETRY));

        assertKind(() -> store.createIfAbsent("a", content(1)), Kind.NOT_FOUND);
    }

    @Test
    void anUnreachableEndpointIsUnavailableQuickly() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        BlobStore store = AzureBlobStore.fromConfig(new AzureBlobStoreConfig(containerName,
                Optional.of("http://127.0.0.1:" + closedPort + "/" + AzuriteServer.ACCOUNT_NAME),
                new Authentication.AccountKey(AzuriteServer.ACCOUNT_NAME, AzuriteServer.ACCOUNT_KEY), FAST_RETRY));

        long started = System.nanoTime();
        assertKind(() -> store.read("a"), Kind.UNAVAILABLE);
        assertKind(() -> store.list(""), Kind.UNAVAILABLE);
        assertKind(() -> store.createIfAbsent("a", content(1)), Kind.UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
}
