package dev.pondhouse.server;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.config.AzureSection;
import dev.pondhouse.server.config.LakeSection;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.blob.AzureBlobStore;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import dev.pondhouse.server.pipeline.SourceContainers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The lake as jobs write it, built from the configuration the same way by the server and by the
 * command-line jobs ({@code pipeline run}, {@code ingest-folder}): the lake's store (the Azure
 * container of {@code lake.store: azure}, else the local folder {@code lake.root}), the
 * {@link DeltaLake} over it, and the Azure containers pipeline sources may read.
 */
public final class JobLakes {
    private JobLakes() {}

    /** The lake's store: its Azure container, or a store over the local lake folder. */
    public static BlobStore store(LakeSection lake) throws IOException {
        requireNonNull(lake, "lake is null");
        if (lake.inAzure()) {
            AzureSection azure = lake.azure();
            return AzureBlobStore.fromConfig(azure.storeConfig(azure.container().orElseThrow()));
        }
        return new LocalBlobStore(lake.root().toAbsolutePath().normalize());
    }

    /** The lake's folder in its store: the Azure prefix, or empty for a local folder. */
    public static String root(LakeSection lake) {
        return lake.inAzure() ? lake.azure().prefix() : "";
    }

    /**
     * The lake jobs read and write.
     *
     * @param store the lake's store, from {@link #store}
     * @param cache the cache for local copies of the lake's files; required when the lake is in Azure
     * @param workDirectory where jobs stage files
     */
    public static DeltaLake deltaLake(LakeSection lake, BlobStore store, Optional<DiskCache> cache, Path workDirectory) {
        if (lake.inAzure()) {
            DiskCache present = cache.orElseThrow(() -> new IllegalStateException(
                    "a lake in Azure needs a cache for the files jobs read"));
            return DeltaLake.cached(store, root(lake), present, workDirectory, Clock.systemUTC(), DeltaWriterSettings.DEFAULT);
        }
        return DeltaLake.local(lake.root(), store, workDirectory, Clock.systemUTC(), DeltaWriterSettings.DEFAULT);
    }

    /** Whether jobs need a cache: the lake is in Azure, or pipeline sources may read Azure containers. */
    public static boolean needsCache(LakeSection lake) {
        return lake.inAzure() || lake.azure().configured();
    }

    /**
     * The containers of the lake's Azure storage account, for pipeline sources with
     * {@code container:}; empty when no account is configured (or there is no cache to copy into).
     */
    public static Optional<SourceContainers> sourceContainers(LakeSection lake, Optional<DiskCache> cache) {
        if (!lake.azure().configured() || cache.isEmpty()) {
            return Optional.empty();
        }
        AzureSection azure = lake.azure();
        return Optional.of(new SourceContainers(container -> AzureBlobStore.fromConfig(azure.storeConfig(container)),
                cache.get()));
    }
}
