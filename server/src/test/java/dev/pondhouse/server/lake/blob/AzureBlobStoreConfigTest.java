package dev.pondhouse.server.lake.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig.Authentication;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AzureBlobStoreConfigTest {
    private static final String ENDPOINT = "https://account.blob.example";

    @Test
    void neverPrintsSecrets() {
        AzureBlobStoreConfig withKey = new AzureBlobStoreConfig("lake", Optional.of(ENDPOINT),
                new Authentication.AccountKey("account", "secret-key"), AzureBlobStoreConfig.Retry.DEFAULT);
        AzureBlobStoreConfig withSas = new AzureBlobStoreConfig("lake", Optional.of(ENDPOINT),
                new Authentication.SasToken("sv=secret-sas"), AzureBlobStoreConfig.Retry.DEFAULT);
        AzureBlobStoreConfig withConnectionString = new AzureBlobStoreConfig("lake", Optional.empty(),
                new Authentication.ConnectionString("AccountKey=secret-connection"), AzureBlobStoreConfig.Retry.DEFAULT);

        assertThat(withKey.toString()).contains("account").doesNotContain("secret");
        assertThat(withSas.toString()).doesNotContain("secret");
        assertThat(withConnectionString.toString()).doesNotContain("secret");
    }

    @Test
    void needsAnEndpointUnlessAConnectionStringHasOne() {
        assertThatThrownBy(() -> new AzureBlobStoreConfig("lake", Optional.empty(),
                new Authentication.DefaultCredential(), AzureBlobStoreConfig.Retry.DEFAULT))
                .hasMessageContaining("endpoint is required");
    }

    @Test
    void rejectsInvalidContainerNames() {
        for (String name : new String[] {"Lake", "la", "lake--x", "-lake", "lake_x"}) {
            assertThatThrownBy(() -> new AzureBlobStoreConfig(name, Optional.of(ENDPOINT),
                    new Authentication.DefaultCredential(), AzureBlobStoreConfig.Retry.DEFAULT))
                    .as(name)
                    .hasMessageContaining("Invalid Azure container name");
        }
    }
}
