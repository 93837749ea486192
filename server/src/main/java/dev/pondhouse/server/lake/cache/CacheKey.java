package dev.pondhouse.server.lake.cache;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * What identifies one cached file: the blob's name in a store, and for blobs that may be rewritten
 * in place (external sources) the ETag of the version cached. Delta data files are never rewritten,
 * so their name alone is the key.
 *
 * @param namespace which store the blob comes from, a relative path of valid blob name segments
 *     ({@code lake}, {@code sources/sales.raw_orders}); it keeps the blobs of different stores apart
 * @param blobName the blob's name in that store
 * @param etag the blob version cached, for blobs that are not immutable
 */
public record CacheKey(String namespace, String blobName, Optional<String> etag) {
    /** The folder segment that holds one version of a versioned blob; reserved, so no blob name has it. */
    static final String VERSION_FOLDER_PREFIX = BlobName.RESERVED_PREFIX + "v-";

    public CacheKey {
        BlobName.requireValid(requireNonNull(namespace, "namespace is null"));
        BlobName.requireValid(requireNonNull(blobName, "blobName is null"));
        requireNonNull(etag, "etag is null");
    }

    /** The key of an immutable blob (a Delta data file). */
    public static CacheKey immutable(String namespace, String blobName) {
        return new CacheKey(namespace, blobName, Optional.empty());
    }

    /** The key of one version of a blob that may be rewritten in place. */
    public static CacheKey versioned(String namespace, String blobName, String etag) {
        return new CacheKey(namespace, blobName, Optional.of(etag));
    }

    /**
     * The file's path inside the cache folder: {@code <namespace>/<blob name>}, with the folders of
     * the blob kept (so Hive-style {@code key=value} folders stay visible to DuckDB). A versioned blob
     * sits in a folder named for its ETag's hash below its own folder:
     * {@code <namespace>/a/b/.pondhouse-v-<hash>/file.csv}, so a new version never overwrites a file a
     * running query reads.
     */
    String relativePath() {
        if (etag.isEmpty()) {
            return namespace + "/" + blobName;
        }
        int slash = blobName.lastIndexOf('/');
        String folder = slash < 0 ? "" : blobName.substring(0, slash + 1);
        return namespace + "/" + folder + VERSION_FOLDER_PREFIX + hash(etag.get()) + "/" + blobName.substring(slash + 1);
    }

    private static String hash(String etag) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(etag.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
