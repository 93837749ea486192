package dev.pondhouse.server.lake.blob;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One blob as seen by {@link BlobStore#list} or {@link BlobStore#properties}.
 *
 * @param name the blob's name, relative to the store's root
 * @param size its length in bytes
 * @param etag an opaque version tag; it changes whenever the content is written again, and is what
 *     {@link BlobStore#replaceIfMatch} compares
 * @param lastModified when it was last written, as reported by the storage
 */
public record BlobEntry(String name, long size, String etag, Instant lastModified) {
    public BlobEntry {
        requireNonNull(name, "name is null");
        requireNonNull(etag, "etag is null");
        requireNonNull(lastModified, "lastModified is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
        if (etag.isEmpty()) {
            throw new IllegalArgumentException("etag is empty for blob " + name);
        }
    }
}
