package dev.pondhouse.server.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.cache.CacheKey;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.lake.cache.PinnedCopies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Azure containers that pipeline sources ({@code container:} in a pipeline file) read, with the
 * lake's credentials, and the {@link DiskCache} their blobs are copied into for DuckDB. A blob is
 * cached by name and ETag ({@link CacheKey#versioned}, namespace {@code sources/<container>}), so a
 * blob rewritten in place is fetched again and a step never reads a half-replaced file. The cache
 * keeps the blobs' folders, so Hive-style {@code key=value} folders still become columns.
 *
 * <p>Thread-safe: the stores are opened once per container and shared. The constructor does no I/O.
 */
public final class SourceContainers {
    /** Opens the store of one container (reads secret files, builds a client; no request yet). */
    @FunctionalInterface
    public interface StoreOpener {
        BlobStore open(String container) throws IOException;
    }

    /**
     * The local copies of one source table's files.
     *
     * @param files the cached files, sorted
     * @param partitioned whether some file sits in a folder below the table's folder
     */
    record SourceFiles(List<Path> files, boolean partitioned) {
        SourceFiles {
            files = List.copyOf(files);
        }
    }

    private final StoreOpener opener;
    private final DiskCache cache;
    private final Map<String, BlobStore> stores = new ConcurrentHashMap<>();

    /**
     * @param opener opens the store of a container of the lake's storage account
     * @param cache where the blobs are copied to be read
     */
    public SourceContainers(StoreOpener opener, DiskCache cache) {
        this.opener = requireNonNull(opener, "opener is null");
        this.cache = requireNonNull(cache, "cache is null");
    }

    /** Pinned copies for one step's reads of source blobs; the caller closes them after the step. */
    PinnedCopies copies() {
        return new PinnedCopies(cache, "pipeline-source");
    }

    /**
     * The local copies of the files of {@code table} in a container source: every {@code .parquet}
     * (or {@code .csv}) blob under {@code <prefix><table>/} (names with a folder or file starting
     * with {@code _} or {@code .} below it skipped, like {@code _SUCCESS}), or else the blob
     * {@code <prefix><table>.parquet} ({@code .csv}); empty when there is neither.
     *
     * @throws dev.pondhouse.server.lake.blob.BlobStoreException if the container cannot be listed
     * @throws dev.pondhouse.server.lake.cache.CacheException if a blob cannot be copied
     */
    Optional<SourceFiles> files(ExternalSource.Container container, ExternalSource.Format format, String table,
            PinnedCopies copies) throws IOException {
        BlobStore store = store(container.name());
        String folder = container.prefix() + table + "/";
        String extension = "." + format.extension();
        List<BlobEntry> entries = new ArrayList<>();
        boolean partitioned = false;
        for (BlobEntry entry : store.list(folder)) {
            String relative = entry.name().substring(folder.length());
            if (relative.toLowerCase(Locale.ROOT).endsWith(extension) && !hidden(relative)) {
                entries.add(entry);
                partitioned |= relative.contains("/");
            }
        }
        if (entries.isEmpty()) {
            store.properties(container.prefix() + table + extension).ifPresent(entries::add);
        }
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        String namespace = "sources/" + container.name();
        List<PinnedCopies.Blob> blobs = entries.stream()
                .map(entry -> new PinnedCopies.Blob(store, CacheKey.versioned(namespace, entry.name(), entry.etag()),
                        entry.size()))
                .toList();
        List<Path> files = new ArrayList<>(copies.copies(blobs));
        files.sort(null);
        return Optional.of(new SourceFiles(files, partitioned));
    }

    private BlobStore store(String container) throws IOException {
        try {
            return stores.computeIfAbsent(container, name -> {
                try {
                    return opener.open(name);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw new IOException("cannot open Azure container " + container + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static boolean hidden(String relative) {
        for (String segment : relative.split("/")) {
            if (segment.startsWith("_") || segment.startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
