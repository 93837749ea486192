package dev.pondhouse.server;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.config.AzureSection;
import dev.pondhouse.server.config.LakeSection;
import dev.pondhouse.server.config.SourceSection;
import dev.pondhouse.server.lake.BlobDeltaLakeCatalog;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.DeltaLakeCatalog;
import dev.pondhouse.server.lake.ExternalSourceCatalog;
import dev.pondhouse.server.lake.FolderLakeCatalog;
import dev.pondhouse.server.lake.LakeCatalog;
import dev.pondhouse.server.lake.LakeTable;
import dev.pondhouse.server.lake.UnionLakeCatalog;
import dev.pondhouse.server.lake.blob.AzureBlobStore;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import dev.pondhouse.server.pipeline.SourceContainers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake as the configuration describes it, built the same way by the server and by the
 * command-line jobs ({@code pipeline run}, {@code ingest-folder}): the lake's store (the Azure
 * container of {@code lake.store: azure}, else the local folder {@code lake.root}), the catalog
 * that serves it, the {@link DeltaLake} jobs write, and the Azure containers pipeline sources may
 * read.
 */
public final class ConfiguredLake {
    private static final Logger log = LoggerFactory.getLogger(ConfiguredLake.class);

    private ConfiguredLake() {}

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

    /**
     * The lake's catalogs: a local lake folder served in place (Delta tables and plain Parquet
     * folders), or the Delta tables of an Azure container served from the cache; then the external
     * sources, from the cache.
     *
     * @param lakeStore the lake's store, from {@link #store}
     * @param cache required when the lake is in Azure or has sources
     * @param spill where checkpoints are read
     */
    public static LakeCatalog servingCatalog(LakeSection lake, BlobStore lakeStore, Optional<DiskCache> cache, Path spill)
            throws IOException {
        CommitFileFormat format = new CommitFileFormat();
        List<LakeCatalog> catalogs = new ArrayList<>();
        if (lake.inAzure()) {
            AzureSection azure = lake.azure();
            String container = azure.container().orElseThrow();
            catalogs.add(new BlobDeltaLakeCatalog(lakeStore, azure.prefix(), cache.orElseThrow(), DeltaLake.CACHE_NAMESPACE,
                    format, new DuckDbCheckpointReader(lakeStore, spill.resolve("checkpoints"), format)));
            log.info("lake: Delta tables in Azure container {} under '{}' at {}, signing in with {}; cached in {}",
                    container, azure.prefix(), azure.blobEndpoint().orElse("the connection string's endpoint"),
                    azure.authenticationName(), cache.orElseThrow().directory());
        } else {
            catalogs.add(new DeltaLakeCatalog(lake.root(), format, spill.resolve("checkpoints")));
            catalogs.add(new FolderLakeCatalog(lake.root()));
        }
        for (SourceSection source : lake.sources()) {
            BlobStore store = source.azure()
                    ? AzureBlobStore.fromConfig(lake.azure().storeConfig(source.container()
                            .or(() -> lake.azure().container()).orElseThrow()))
                    : new LocalBlobStore(source.path().orElseThrow());
            LakeTable.Format sourceFormat = source.format().equals(SourceSection.CSV) ? LakeTable.Format.CSV : LakeTable.Format.PARQUET;
            catalogs.add(new ExternalSourceCatalog(source.schema(), source.table(), store, source.prefix(), sourceFormat,
                    cache.orElseThrow()));
        }
        return new UnionLakeCatalog(catalogs);
    }
}
