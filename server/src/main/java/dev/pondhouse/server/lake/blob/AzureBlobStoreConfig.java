package dev.pondhouse.server.lake.blob;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * Where an {@link AzureBlobStore} keeps its blobs and how it signs in. {@link #toString()} never
 * shows a secret.
 *
 * @param container the container's name (it must exist)
 * @param endpoint the account's blob endpoint, for example {@code https://<account>.blob.core.windows.net};
 *     empty only with a connection string, which names its own endpoint
 * @param authentication how to sign in
 * @param retry how requests are timed out and retried
 */
public record AzureBlobStoreConfig(
        String container, Optional<String> endpoint, Authentication authentication, Retry retry) {
    public AzureBlobStoreConfig {
        requireNonNull(container, "container is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(authentication, "authentication is null");
        requireNonNull(retry, "retry is null");
        if (!container.matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("Invalid Azure container name '" + container
                    + "': expected 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit");
        }
        if (endpoint.isEmpty() && !(authentication instanceof Authentication.ConnectionString)) {
            throw new IllegalArgumentException("An Azure blob endpoint is required unless a connection string is used"
                    + " (for example https://<account>.blob.core.windows.net)");
        }
        endpoint.ifPresent(value -> {
            if (!value.startsWith("https://") && !value.startsWith("http://")) {
                throw new IllegalArgumentException("Invalid Azure blob endpoint '" + value + "': expected an http(s) URL");
            }
        });
    }

    /** How the store signs in to the storage account. */
    public sealed interface Authentication {
        /** A full connection string (account, key or SAS, endpoint). */
        record ConnectionString(String value) implements Authentication {
            public ConnectionString {
                requireNonEmpty(value, "connection string");
            }

            @Override
            public String toString() {
                return "ConnectionString[***]";
            }
        }

        /** A shared account key. */
        record AccountKey(String accountName, String key) implements Authentication {
            public AccountKey {
                requireNonEmpty(accountName, "account name");
                requireNonEmpty(key, "account key");
            }

            @Override
            public String toString() {
                return "AccountKey[accountName=" + accountName + ", key=***]";
            }
        }

        /** A shared access signature, with or without the leading {@code ?}. */
        record SasToken(String token) implements Authentication {
            public SasToken {
                requireNonEmpty(token, "SAS token");
            }

            @Override
            public String toString() {
                return "SasToken[***]";
            }
        }

        /**
         * Azure's {@code DefaultAzureCredential}: managed identity, workload identity, environment
         * variables or a developer's Azure CLI login, whichever is found first.
         */
        record DefaultCredential() implements Authentication {}

        private static void requireNonEmpty(String value, String what) {
            requireNonNull(value, what + " is null");
            if (value.isBlank()) {
                throw new IllegalArgumentException("The Azure " + what + " is empty");
            }
        }
    }

    /**
     * Request timing.
     *
     * @param maxTries attempts per request, at least 1
     * @param tryTimeout the time one attempt may take (one block of a big transfer)
     * @param retryDelay the first back-off; it grows exponentially up to {@code maxRetryDelay}
     * @param maxRetryDelay the longest back-off
     */
    public record Retry(int maxTries, Duration tryTimeout, Duration retryDelay, Duration maxRetryDelay) {
        /** Four tries, a minute each, back-off from 1 s to 30 s. */
        public static final Retry DEFAULT = new Retry(4, Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(30));

        public Retry {
            requireNonNull(tryTimeout, "tryTimeout is null");
            requireNonNull(retryDelay, "retryDelay is null");
            requireNonNull(maxRetryDelay, "maxRetryDelay is null");
            if (maxTries < 1) {
                throw new IllegalArgumentException("maxTries must be at least 1: " + maxTries);
            }
            if (tryTimeout.toSeconds() < 1 || retryDelay.isNegative() || maxRetryDelay.compareTo(retryDelay) < 0) {
                throw new IllegalArgumentException("Invalid retry timing: tryTimeout " + tryTimeout
                        + " (at least 1 s), retryDelay " + retryDelay + ", maxRetryDelay " + maxRetryDelay
                        + " (not below retryDelay)");
            }
        }
    }
}
