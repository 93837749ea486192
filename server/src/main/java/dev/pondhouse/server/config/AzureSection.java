package dev.pondhouse.server.config;

import static dev.pondhouse.server.config.ConfigChecks.orEmpty;

import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig;
import dev.pondhouse.server.lake.blob.BlobName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Azure storage account of {@code lake.store: azure} and of Azure sources, and how to sign in:
 * a connection string, an account key, a SAS token, or (when none is set) Azure's
 * {@code DefaultAzureCredential}. Secrets come from the environment or from files (the
 * {@code *-file} keys), never from the configuration file; {@link #toString()} hides them.
 */
public record AzureSection(Optional<String> account, Optional<String> endpoint, Optional<String> container,
        String prefix, Optional<String> connectionString, Optional<Path> connectionStringFile,
        Optional<String> accountKey, Optional<Path> accountKeyFile, Optional<String> sasToken,
        Optional<Path> sasTokenFile) {
    /** The keys whose values are secrets: only from the environment, never from the file or --set. */
    public static final Set<String> SECRET_KEYS = Set.of("connection-string", "account-key", "sas-token");

    public AzureSection {
        account = orEmpty(account);
        endpoint = orEmpty(endpoint);
        container = orEmpty(container);
        prefix = prefix == null ? "" : prefix;
        connectionString = orEmpty(connectionString);
        connectionStringFile = orEmpty(connectionStringFile);
        accountKey = orEmpty(accountKey);
        accountKeyFile = orEmpty(accountKeyFile);
        sasToken = orEmpty(sasToken);
        sasTokenFile = orEmpty(sasTokenFile);
        if (!prefix.isEmpty()) {
            try {
                BlobName.requireValidPrefix(prefix);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("lake.azure.prefix: " + e.getMessage());
            }
            if (!prefix.endsWith("/")) {
                throw new IllegalArgumentException("lake.azure.prefix: '" + prefix + "' must end with '/' (a folder)");
            }
        }
        account.ifPresent(name -> {
            if (!name.matches("[a-z0-9]{3,24}")) {
                throw new IllegalArgumentException("lake.azure.account: '" + name
                        + "' is not a storage account name (3 to 24 lowercase letters and digits)");
            }
        });
        List<String> credentials = new ArrayList<>();
        if (connectionString.isPresent() || connectionStringFile.isPresent()) {
            credentials.add("connection string");
        }
        if (accountKey.isPresent() || accountKeyFile.isPresent()) {
            credentials.add("account key");
        }
        if (sasToken.isPresent() || sasTokenFile.isPresent()) {
            credentials.add("SAS token");
        }
        if (credentials.size() > 1) {
            throw new IllegalArgumentException("lake.azure: choose one way to sign in, found " + String.join(", ", credentials));
        }
        requireOne(connectionString, connectionStringFile, "connection-string");
        requireOne(accountKey, accountKeyFile, "account-key");
        requireOne(sasToken, sasTokenFile, "sas-token");
        if ((accountKey.isPresent() || accountKeyFile.isPresent()) && account.isEmpty()) {
            throw new IllegalArgumentException("lake.azure.account-key needs lake.azure.account (the account's name)");
        }
    }

    static AzureSection defaults() {
        return new AzureSection(null, null, null, null, null, null, null, null, null, null);
    }

    /** Whether the section names an account (an account, an endpoint or a connection string). */
    public boolean configured() {
        return account.isPresent() || endpoint.isPresent() || connectionString.isPresent()
                || connectionStringFile.isPresent();
    }

    /** Throws unless the section says which account to use. */
    void requireAccount(String why) {
        if (account.isEmpty() && endpoint.isEmpty() && connectionString.isEmpty() && connectionStringFile.isEmpty()) {
            throw new IllegalArgumentException(why + ": set lake.azure.account (or lake.azure.endpoint, or a"
                    + " connection string)");
        }
    }

    /** The blob endpoint: {@code endpoint}, else {@code https://<account>.blob.core.windows.net}. */
    public Optional<String> blobEndpoint() {
        return endpoint.or(() -> account.map(name -> "https://" + name + ".blob.core.windows.net"));
    }

    /** How to sign in, as {@code DefaultAzureCredential} or the kind of secret; never the secret itself. */
    public String authenticationName() {
        if (connectionString.isPresent() || connectionStringFile.isPresent()) {
            return "connection string";
        }
        if (accountKey.isPresent() || accountKeyFile.isPresent()) {
            return "account key";
        }
        if (sasToken.isPresent() || sasTokenFile.isPresent()) {
            return "SAS token";
        }
        return "DefaultAzureCredential";
    }

    /** The store settings for {@code container}; reads the secret files named here (at start-up, not at load). */
    public AzureBlobStoreConfig storeConfig(String container) throws IOException {
        AzureBlobStoreConfig.Authentication authentication;
        Optional<String> secret;
        if ((secret = secret(connectionString, connectionStringFile, "connection-string-file")).isPresent()) {
            authentication = new AzureBlobStoreConfig.Authentication.ConnectionString(secret.get());
        } else if ((secret = secret(accountKey, accountKeyFile, "account-key-file")).isPresent()) {
            authentication = new AzureBlobStoreConfig.Authentication.AccountKey(account.orElseThrow(), secret.get());
        } else if ((secret = secret(sasToken, sasTokenFile, "sas-token-file")).isPresent()) {
            authentication = new AzureBlobStoreConfig.Authentication.SasToken(secret.get());
        } else {
            authentication = new AzureBlobStoreConfig.Authentication.DefaultCredential();
        }
        return new AzureBlobStoreConfig(container, blobEndpoint(), authentication, AzureBlobStoreConfig.Retry.DEFAULT);
    }

    private static Optional<String> secret(Optional<String> value, Optional<Path> file, String fileKey) throws IOException {
        if (value.isPresent()) {
            return value;
        }
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            String content = Files.readString(file.get()).strip();
            if (content.isEmpty()) {
                throw new IOException("lake.azure." + fileKey + ": the file " + file.get() + " is empty");
            }
            return Optional.of(content);
        } catch (IOException e) {
            throw new IOException("lake.azure." + fileKey + ": cannot read " + file.get() + ": " + e.getMessage(), e);
        }
    }

    private static void requireOne(Optional<String> value, Optional<Path> file, String key) {
        if (value.isPresent() && file.isPresent()) {
            throw new IllegalArgumentException("lake.azure." + key + " and lake.azure." + key + "-file are both set; choose one");
        }
    }

    @Override
    public String toString() {
        return "AzureSection[account=" + account.orElse("") + ", endpoint=" + endpoint.orElse("")
                + ", container=" + container.orElse("") + ", prefix=" + prefix + ", authentication="
                + authenticationName() + " (secret hidden)]";
    }
}
