package dev.pondhouse.server.lake.cache;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;

/**
 * A file could not be brought into the cache: the store failed (the cause is its
 * {@link dev.pondhouse.server.lake.blob.BlobStoreException}), the downloaded size is not the size
 * expected, or the local disk failed. The message names the blob and is meant for logs and
 * operators, never for clients.
 */
public final class CacheException extends PondhouseException {
    private static final long serialVersionUID = 1L;

    CacheException(ErrorKind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}
