package dev.pondhouse.server.lake.blob;

import static java.util.Objects.requireNonNull;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobItemProperties;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobDownloadToFileOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig.Authentication;
import dev.pondhouse.server.lake.blob.AzureErrors.Effect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A {@link BlobStore} in one Azure Blob Storage container, through the official SDK (block blobs).
 *
 * <ul>
 *   <li>{@link #createIfAbsent}: one Put Blob with {@code If-None-Match: *}; Azure answers 412 and
 *       Azurite 409 when the blob exists, both are {@code ALREADY_EXISTS}.
 *   <li>{@link #replaceIfMatch}: one Put Blob with {@code If-Match: <etag>}; 412 (or 404) is
 *       {@code ETAG_MISMATCH}.
 *   <li>{@link #upload}/{@link #download}: blocks of {@value #BLOCK_SIZE} bytes,
 *       {@value #TRANSFER_CONCURRENCY} in parallel per call.
 *   <li>{@link #list}: a flat listing by prefix, which Azure returns in lexicographic order.
 *   <li>{@link #acquireLease}: Azure's own blob lease, 15 to 60 seconds.
 * </ul>
 *
 * <p>Requests time out and are retried as configured ({@link AzureBlobStoreConfig.Retry}); see
 * {@link BlobStore} for what a retried conditional write may answer. HTTP goes through the JDK's
 * own client (no second Netty next to gRPC's), with HTTP logging off. Thread-safe.
 */
public final class AzureBlobStore implements BlobStore {
    private static final int BLOCK_SIZE = 8 * 1024 * 1024;
    private static final int TRANSFER_CONCURRENCY = 4;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final BlobContainerClient container;

    public AzureBlobStore(BlobContainerClient container) {
        this.container = requireNonNull(container, "container is null");
    }

    /** A store for the configured container; does no I/O (the container is checked on first use). */
    public static AzureBlobStore fromConfig(AzureBlobStoreConfig config) {
        requireNonNull(config, "config is null");
        AzureBlobStoreConfig.Retry retry = config.retry();
        HttpClient httpClient = new JdkHttpClientBuilder()
                .connectionTimeout(CONNECT_TIMEOUT.compareTo(retry.tryTimeout()) < 0 ? CONNECT_TIMEOUT : retry.tryTimeout())
                .build();
        BlobContainerClientBuilder builder = new BlobContainerClientBuilder()
                .httpClient(httpClient)
                .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE))
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, retry.maxTries(),
                        retry.tryTimeout(), retry.retryDelay(), retry.maxRetryDelay(), null));
        Authentication authentication = config.authentication();
        if (authentication instanceof Authentication.ConnectionString connectionString) {
            builder.connectionString(connectionString.value());
            config.endpoint().ifPresent(builder::endpoint);
        } else {
            builder.endpoint(config.endpoint().orElseThrow());
            if (authentication instanceof Authentication.AccountKey accountKey) {
                builder.credential(new StorageSharedKeyCredential(accountKey.accountName(), accountKey.key()));
            } else if (authentication instanceof Authentication.SasToken sasToken) {
                builder.sasToken(sasToken.token());
            } else {
                builder.credential(new DefaultAzureCredentialBuilder().httpClient(httpClient).build());
            }
        }
        return new AzureBlobStore(builder.containerName(config.container()).buildClient());
    }

    @Override
    public byte[] read(String name) {
        BlobClient blob = blob(name);
        return call(name, "read", Effect.READ,
                () -> blob.downloadContentWithResponse(null, null, null, Context.NONE).getValue().toBytes());
    }

    @Override
    public byte[] readRange(String name, long offset, long length) {
        BlobClient blob = blob(name);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative: " + offset + ", " + length);
        }
        if (length == 0) {
            properties(name).orElseThrow(() -> notFound(name));
            return new byte[0];
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream((int) Math.min(length, BLOCK_SIZE));
        try {
            call(name, "read a range of", Effect.READ, () -> blob.downloadStreamWithResponse(
                    output, new BlobRange(offset, length), null, null, false, null, Context.NONE));
        } catch (BlobStoreException e) {
            if (e.getCause() instanceof BlobStorageException storage && storage.getStatusCode() == 416) {
                return new byte[0]; // the range starts at or after the end
            }
            throw e;
        }
        return output.toByteArray();
    }

    @Override
    public long download(String name, Path target) {
        BlobClient blob = blob(name);
        requireNonNull(target, "target is null");
        BlobDownloadToFileOptions options = new BlobDownloadToFileOptions(target.toString())
                .setOpenOptions(Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE))
                .setParallelTransferOptions(new com.azure.storage.common.ParallelTransferOptions()
                        .setBlockSizeLong((long) BLOCK_SIZE)
                        .setMaxConcurrency(TRANSFER_CONCURRENCY));
        call(name, "download", Effect.READ, () -> blob.downloadToFileWithResponse(options, null, Context.NONE));
        try {
            return Files.size(target);
        } catch (IOException e) {
            throw new BlobStoreException(BlobStoreException.Kind.FAILED, name,
                    "Downloaded blob '" + name + "' but cannot read the size of " + target, e);
        }
    }

    @Override
    public List<BlobEntry> list(String prefix) {
        BlobName.requireValidPrefix(prefix);
        ListBlobsOptions options = new ListBlobsOptions().setMaxResultsPerPage(5000);
        if (!prefix.isEmpty()) {
            options.setPrefix(prefix);
        }
        return call(prefix, "list", Effect.READ, () -> {
            List<BlobEntry> entries = new ArrayList<>();
            for (BlobItem item : container.listBlobs(options, null)) {
                BlobItemProperties properties = item.getProperties();
                entries.add(new BlobEntry(item.getName(), properties.getContentLength(), properties.getETag(),
                        properties.getLastModified().toInstant()));
            }
            return List.copyOf(entries);
        });
    }

    @Override
    public List<String> listFolders(String prefix) {
        BlobName.requireValidPrefix(prefix);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("a folder prefix is empty or ends with '/': " + prefix);
        }
        ListBlobsOptions options = new ListBlobsOptions().setMaxResultsPerPage(5000);
        if (!prefix.isEmpty()) {
            options.setPrefix(prefix);
        }
        return call(prefix, "list the folders of", Effect.READ, () -> {
            List<String> folders = new ArrayList<>();
            for (BlobItem item : container.listBlobsByHierarchy("/", options, null)) {
                if (Boolean.TRUE.equals(item.isPrefix())) {
                    String folder = item.getName().substring(prefix.length());
                    folders.add(folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder);
                }
            }
            folders.sort(null);
            return List.copyOf(folders);
        });
    }

    @Override
    public CreateOutcome createIfAbsent(String name, byte[] content) {
        BlobClient blob = blob(name);
        requireNonNull(content, "content is null");
        BlockBlobSimpleUploadOptions options = new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(content))
                .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"));
        try {
            call(name, "create", Effect.WRITE,
                    () -> blob.getBlockBlobClient().uploadWithResponse(options, null, Context.NONE));
            return CreateOutcome.CREATED;
        } catch (BlobStoreException e) {
            if (statusOf(e) == 409 || statusOf(e) == 412) {
                return CreateOutcome.ALREADY_EXISTS;
            }
            throw e;
        }
    }

    @Override
    public ReplaceOutcome replaceIfMatch(String name, byte[] content, String expectedEtag) {
        BlobClient blob = blob(name);
        requireNonNull(content, "content is null");
        requireNonNull(expectedEtag, "expectedEtag is null");
        BlockBlobSimpleUploadOptions options = new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(content))
                .setRequestConditions(new BlobRequestConditions().setIfMatch(expectedEtag));
        try {
            call(name, "replace", Effect.WRITE,
                    () -> blob.getBlockBlobClient().uploadWithResponse(options, null, Context.NONE));
            return ReplaceOutcome.REPLACED;
        } catch (BlobStoreException e) {
            if (statusOf(e) == 412 || (statusOf(e) == 404 && !e.getMessage().contains("container"))) {
                return ReplaceOutcome.ETAG_MISMATCH;
            }
            throw e;
        }
    }

    @Override
    public void upload(String name, Path localFile) {
        BlobClient blob = blob(name);
        requireNonNull(localFile, "localFile is null");
        if (!Files.isRegularFile(localFile)) {
            throw new BlobStoreException(BlobStoreException.Kind.FAILED, name,
                    "Cannot upload blob '" + name + "': the local file " + localFile + " does not exist");
        }
        BlobUploadFromFileOptions options = new BlobUploadFromFileOptions(localFile.toString())
                .setParallelTransferOptions(uploadTransferOptions());
        call(name, "upload", Effect.WRITE, () -> blob.uploadFromFileWithResponse(options, null, Context.NONE));
    }

    @Override
    public boolean delete(String name) {
        BlobClient blob = blob(name);
        return call(name, "delete", Effect.WRITE, () -> blob.deleteIfExistsWithResponse(
                DeleteSnapshotsOptionType.INCLUDE, null, null, Context.NONE).getStatusCode() != 404);
    }

    @Override
    public Optional<BlobEntry> properties(String name) {
        BlobClient blob = blob(name);
        try {
            BlobProperties properties = call(name, "read the properties of", Effect.READ,
                    () -> blob.getPropertiesWithResponse(null, null, Context.NONE).getValue());
            return Optional.of(new BlobEntry(name, properties.getBlobSize(), properties.getETag(),
                    properties.getLastModified().toInstant()));
        } catch (BlobStoreException e) {
            if (statusOf(e) == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * A blob lease ({@link BlobLeaseClient}) on the lock blob; the lock blob is created empty when the
     * first acquire finds none. Another holder's active lease answers 409 (LeaseAlreadyPresent): empty.
     * Azure expires the lease itself; a retried acquire whose first attempt landed succeeds, as it
     * proposes the same lease id.
     */
    @Override
    public Optional<Lease> acquireLease(String name, Duration duration) {
        BlobClient blob = blob(name);
        requireNonNull(duration, "duration is null");
        if (duration.getNano() != 0 || duration.getSeconds() < 15 || duration.getSeconds() > 60) {
            throw new IllegalArgumentException("an Azure blob lease lasts 15 to 60 whole seconds: " + duration);
        }
        int seconds = (int) duration.getSeconds();
        BlobLeaseClient leaseClient = new BlobLeaseClientBuilder().blobClient(blob).buildClient();
        for (int attempt = 0; ; attempt++) {
            try {
                call(name, "lease", Effect.WRITE, () -> leaseClient.acquireLease(seconds));
                return Optional.of(new AzureLease(name, leaseClient));
            } catch (BlobStoreException e) {
                if (statusOf(e) == 409) {
                    return Optional.empty();
                }
                if (statusOf(e) == 404 && attempt == 0) {
                    createIfAbsent(name, new byte[0]);
                    continue;
                }
                throw e;
            }
        }
    }

    /** A held blob lease. Renewal and release that Azure answers with 409 or 412 concern a lost lease. */
    private static final class AzureLease implements Lease {
        private final String name;
        private final BlobLeaseClient client;
        private volatile boolean ended;

        AzureLease(String name, BlobLeaseClient client) {
            this.name = name;
            this.client = client;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean renew() {
            if (ended) {
                return false;
            }
            try {
                call(name, "renew the lease on", Effect.WRITE, client::renewLease);
                return true;
            } catch (BlobStoreException e) {
                if (statusOf(e) == 409 || statusOf(e) == 412 || statusOf(e) == 404) {
                    ended = true;
                    return false;
                }
                throw e;
            }
        }

        @Override
        public void release() {
            if (ended) {
                return;
            }
            ended = true;
            try {
                call(name, "release the lease on", Effect.WRITE, () -> {
                    client.releaseLease();
                    return null;
                });
            } catch (BlobStoreException e) {
                if (statusOf(e) != 409 && statusOf(e) != 412 && statusOf(e) != 404) {
                    throw e;
                }
            }
        }

        @Override
        public String toString() {
            return "lease " + client.getLeaseId() + " on " + name;
        }
    }

    @Override
    public String toString() {
        return "AzureBlobStore[" + container.getBlobContainerUrl() + "]";
    }

    private BlobClient blob(String name) {
        return container.getBlobClient(BlobName.requireValid(name));
    }

    private static ParallelTransferOptions uploadTransferOptions() {
        return new ParallelTransferOptions()
                .setBlockSizeLong((long) BLOCK_SIZE)
                .setMaxSingleUploadSizeLong((long) BLOCK_SIZE)
                .setMaxConcurrency(TRANSFER_CONCURRENCY);
    }

    private static <T> T call(String name, String action, Effect effect, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw AzureErrors.translate(name, action, effect, e);
        }
    }

    private static int statusOf(BlobStoreException e) {
        return e.getCause() instanceof BlobStorageException storage ? storage.getStatusCode() : -1;
    }

    private static BlobStoreException notFound(String name) {
        return new BlobStoreException(BlobStoreException.Kind.NOT_FOUND, name, "Blob '" + name + "' does not exist");
    }
}
