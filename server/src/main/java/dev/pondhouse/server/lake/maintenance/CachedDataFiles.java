package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.cache.CacheKey;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.lake.cache.PinnedCopies;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The data files of a store that is not local (an Azure container), read from copies in a
 * {@link DiskCache} under the keys the serving catalog and the pipelines use ({@code namespace} and
 * the blob name): a file already cached for serving is not downloaded again, a download under way
 * for someone else is shared, and the files of a bin are fetched in parallel on the cache's download
 * threads. The copies of a bin are pinned ({@link PinnedCopies}) until the bin is rewritten; then they
 * start the cache's grace period and may be evicted like any other file. The cache checks each copy's
 * size against the log's. New files are written locally and uploaded by the writer.
 */
final class CachedDataFiles implements DataFileSource {
    private final BlobStore store;
    private final DiskCache cache;
    private final String namespace;

    /**
     * @param store where the table lives
     * @param cache the started cache the copies are in
     * @param namespace the cache namespace of the store's data files
     */
    CachedDataFiles(BlobStore store, DiskCache cache, String namespace) {
        this.store = requireNonNull(store, "store is null");
        this.cache = requireNonNull(cache, "cache is null");
        this.namespace = requireNonNull(namespace, "namespace is null");
    }

    @Override
    public BinFiles read(String tableRoot, List<DataFile> files) {
        List<PinnedCopies.Blob> blobs = files.stream()
                .map(file -> new PinnedCopies.Blob(store, CacheKey.immutable(namespace, file.blobName()), file.size()))
                .toList();
        PinnedCopies copies = new PinnedCopies(cache, "compaction");
        try {
            List<Path> paths = copies.copies(blobs);
            return new BinFiles(paths, copies::close);
        } catch (RuntimeException e) {
            copies.close();
            throw e;
        }
    }

    @Override
    public Optional<Path> inPlace(String name) {
        return Optional.empty();
    }
}
