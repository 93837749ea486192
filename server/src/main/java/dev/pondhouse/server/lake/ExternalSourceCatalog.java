package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.CachedTables.CachedFile;
import dev.pondhouse.server.lake.CachedTables.TableVersion;
import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobName;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.BlobStoreException;
import dev.pondhouse.server.lake.cache.CacheKey;
import dev.pondhouse.server.lake.cache.DiskCache;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One external read-only source: the Parquet or CSV files below a prefix of a blob store (an Azure
 * container, or a local folder through {@link dev.pondhouse.server.lake.blob.LocalBlobStore}),
 * served as one table from the {@link DiskCache}. Such files may be rewritten in place, so each is
 * cached by name and ETag: a rewritten file is a new cache entry, and the old copy stays readable for
 * running queries until its grace period ends.
 *
 * <p>Which files: names ending with {@code .parquet} (Parquet), or {@code .csv}, {@code .csv.gz},
 * {@code .tsv} (CSV), skipping any path segment below the prefix that starts with {@code _} or
 * {@code .} (like {@code _SUCCESS} markers and staging folders). Files in sub-folders make the table
 * Hive-partitioned ({@code key=value} folders become columns).
 *
 * <p>Each {@link #tables()} lists the prefix (the version of the table is the set of names and
 * ETags); a listing that fails, or files that cannot be cached, keep the files served before, and
 * are reported. Thread-safe: {@link #tables()} is synchronized. The constructor does no I/O.
 */
public final class ExternalSourceCatalog implements LakeCatalog {
    private final String schema;
    private final String table;
    private final BlobStore store;
    private final String prefix;
    private final LakeTable.Format format;
    private final String namespace;

    // Guarded by this.
    private final CachedTables served;

    /**
     * @param schema the table's schema
     * @param table the table's name
     * @param store where the files are
     * @param prefix the files' folder in the store ({@code ""} for all)
     * @param format how to read them
     * @param cache where they are copied to be served
     */
    public ExternalSourceCatalog(String schema, String table, BlobStore store, String prefix, LakeTable.Format format,
            DiskCache cache) {
        this.schema = requireNonNull(schema, "schema is null");
        this.table = requireNonNull(table, "table is null");
        this.store = requireNonNull(store, "store is null");
        this.prefix = BlobName.requireValidPrefix(requireNonNull(prefix, "prefix is null"));
        this.format = requireNonNull(format, "format is null");
        this.namespace = "sources/" + schema + "." + table;
        this.served = new CachedTables(cache, "source:");
    }

    @Override
    public synchronized Listing tables() {
        String name = schema + "." + table;
        List<String> problems = new ArrayList<>();
        Optional<TableVersion> previous = served.served(name);
        try {
            List<BlobEntry> files = store.list(prefix).stream().filter(this::isDataFile).toList();
            if (files.isEmpty()) {
                problems.add("external source " + name + " has no " + format.name().toLowerCase(Locale.ROOT)
                        + " files under '" + prefix + "' in " + store + "; not served");
            } else {
                served.want(name, version(files));
            }
        } catch (BlobStoreException e) {
            problems.add("external source " + name + " cannot be listed: " + e.getMessage()
                    + (previous.isPresent() ? "; still serving the files listed before" : "; not served"));
            previous.ifPresent(version -> served.want(name, version));
        }
        return new Listing(served.serve(problems), problems);
    }

    private boolean isDataFile(BlobEntry entry) {
        String relative = entry.name().substring(prefix.length());
        for (String segment : relative.split("/")) {
            if (LakeFolders.ignored(segment)) {
                return false;
            }
        }
        String lower = relative.toLowerCase(Locale.ROOT);
        return format == LakeTable.Format.PARQUET
                ? lower.endsWith(".parquet")
                : lower.endsWith(".csv") || lower.endsWith(".csv.gz") || lower.endsWith(".tsv");
    }

    private TableVersion version(List<BlobEntry> entries) {
        List<CachedFile> files = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        boolean partitioned = false;
        MessageDigest digest = sha256();
        for (BlobEntry entry : entries) {
            CacheKey key = CacheKey.versioned(namespace, entry.name(), entry.etag());
            files.add(new CachedFile(store, key, entry.size()));
            paths.add(served.pathOf(key));
            String relative = entry.name().substring(prefix.length());
            partitioned |= (relative.startsWith("/") ? relative.substring(1) : relative).contains("/");
            digest.update((entry.name() + "\n" + entry.etag() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        paths.sort(null);
        String version = entries.size() + " file(s), listing " + HexFormat.of().formatHex(digest.digest(), 0, 6);
        return new TableVersion(version, new LakeTable(schema, table, paths, partitioned, format), files);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
