package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.cache.CacheKey;
import dev.pondhouse.server.lake.cache.DiskCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The tables a catalog over a blob store serves from the {@link DiskCache}, and the version of each:
 * a new version is served only once every file it needs is in the cache; until then, or when that
 * fails, the version served before stays. The files of the versions served are pinned in the cache
 * under {@code <owner prefix><table>}.
 *
 * <p>Not thread-safe: its catalog calls it from its own synchronized {@code tables()}.
 */
final class CachedTables {
    /** One file a table version needs, and where it comes from. */
    record CachedFile(BlobStore store, CacheKey key, long size) {
        CachedFile {
            requireNonNull(store, "store is null");
            requireNonNull(key, "key is null");
        }
    }

    /**
     * A table at one version, as served from the cache.
     *
     * @param version what identifies the version to the catalog (a Delta version, a listing's ETags)
     * @param table the table, its files being the cache's paths of {@code files}
     * @param files the blobs that must be cached before the table is served
     */
    record TableVersion(String version, LakeTable table, List<CachedFile> files) {
        TableVersion {
            requireNonNull(version, "version is null");
            requireNonNull(table, "table is null");
            files = List.copyOf(files);
        }

        Set<CacheKey> keys() {
            Set<CacheKey> keys = new HashSet<>();
            files.forEach(file -> keys.add(file.key()));
            return keys;
        }
    }

    private final DiskCache cache;
    private final String ownerPrefix;
    private final Map<String, TableVersion> served = new HashMap<>();
    private final Map<String, TableVersion> wanted = new LinkedHashMap<>();
    private final Map<String, List<CompletableFuture<Path>>> fetches = new HashMap<>();

    CachedTables(DiskCache cache, String ownerPrefix) {
        this.cache = requireNonNull(cache, "cache is null");
        this.ownerPrefix = requireNonNull(ownerPrefix, "ownerPrefix is null");
    }

    /** The version served now of the table with this qualified name. */
    Optional<TableVersion> served(String qualifiedName) {
        return Optional.ofNullable(served.get(qualifiedName));
    }

    /** The cache path of a file, for building a {@link LakeTable}. */
    Path pathOf(CacheKey key) {
        return cache.pathOf(key);
    }

    /**
     * Wants {@code version} of a table served: pins its files and starts fetching them right away, so
     * downloads run while the catalog still reads other tables' logs. The version is served, or not,
     * by the next {@link #serve}.
     */
    void want(String qualifiedName, TableVersion version) {
        Set<CacheKey> pinned = version.keys();
        served(qualifiedName).ifPresent(previous -> pinned.addAll(previous.keys()));
        cache.pin(ownerPrefix + qualifiedName, pinned); // pinned before fetched: nothing evicts them meanwhile
        wanted.put(qualifiedName, version);
        fetches.put(qualifiedName, fetchAll(version));
    }

    /**
     * Serves the tables wanted since the last call: each at the version it should have now (a new
     * one, or the one served before when the new one cannot be read). A table whose files all
     * arrived is served at that version; one whose files did not keeps the version served before, if
     * that one's files are still intact, and is reported. Tables not wanted this time are dropped and
     * their files unpinned.
     *
     * @return the tables to serve, in the order they were wanted
     */
    List<LakeTable> serve(List<String> problems) {
        List<LakeTable> tables = new ArrayList<>();
        for (Map.Entry<String, TableVersion> table : wanted.entrySet()) {
            String name = table.getKey();
            TableVersion version = table.getValue();
            Optional<String> failure = awaitAll(fetches.get(name));
            Optional<TableVersion> previous = served(name);
            if (failure.isEmpty()) {
                use(name, version, tables);
                continue;
            }
            if (previous.isPresent() && !previous.get().equals(version)) {
                Optional<String> previousFailure = awaitAll(fetchAll(previous.get()));
                if (previousFailure.isEmpty()) {
                    problems.add("table " + name + " version " + version.version() + " cannot be cached: " + failure.get()
                            + "; still serving version " + previous.get().version());
                    use(name, previous.get(), tables);
                    continue;
                }
            }
            problems.add("table " + name + " cannot be cached: " + failure.get() + "; not served");
            drop(name);
        }
        for (String name : Set.copyOf(served.keySet())) {
            if (!wanted.containsKey(name)) {
                drop(name);
            }
        }
        wanted.clear();
        fetches.clear();
        cache.evict();
        return tables;
    }

    private void use(String name, TableVersion version, List<LakeTable> tables) {
        served.put(name, version);
        cache.pin(ownerPrefix + name, version.keys());
        tables.add(version.table());
    }

    private void drop(String name) {
        served.remove(name);
        cache.unpin(ownerPrefix + name);
    }

    private List<CompletableFuture<Path>> fetchAll(TableVersion version) {
        List<CompletableFuture<Path>> futures = new ArrayList<>();
        for (CachedFile file : version.files()) {
            futures.add(cache.fetch(file.store(), file.key(), file.size()));
        }
        return futures;
    }

    /** Waits for every fetch; the first failure's message, if any. */
    private static Optional<String> awaitAll(List<CompletableFuture<Path>> futures) {
        Optional<String> failure = Optional.empty();
        for (CompletableFuture<Path> future : futures) {
            try {
                future.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (failure.isEmpty()) {
                    failure = Optional.of(String.valueOf(cause.getMessage()));
                }
            }
        }
        return failure;
    }
}
