package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.LocalBlobStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a rewrite's DuckDB reaches a table's data files: local paths to read the files of one bin
 * from, and whether it can write a new file straight into the store. {@link InPlaceDataFiles} gives
 * the files of a {@link LocalBlobStore} themselves and lets new files be written in place;
 * {@link CachedDataFiles} gives copies in the server's disk cache, pinned while the bin is
 * rewritten, and new files are written locally and uploaded.
 *
 * <p><b>Failures.</b> {@link dev.pondhouse.server.lake.blob.BlobStoreException} as the store reads
 * ({@code NOT_FOUND} for a file that does not exist), {@link dev.pondhouse.server.lake.cache.CacheException}
 * if a copy cannot be made, {@link MaintenanceRefusedException} if a file has another size than the
 * log says; {@link java.io.UncheckedIOException} if a local folder cannot be created. Implementations
 * are thread-safe.
 */
interface DataFileSource {
    /**
     * Local paths holding the content of {@code files} (the files of one bin), in their order, each of
     * the size the log gives; for reading only, and valid until the returned {@link BinFiles} closes.
     *
     * @param tableRoot the table's folder, for messages
     */
    BinFiles read(String tableRoot, List<DataFile> files);

    /**
     * Where a new data file that is to become the blob {@code name} can be written directly, so that
     * it needs no upload: the store's own file for that blob (its folder created), or empty if the
     * store is not local. The file is in the store as soon as it is written; until a commit refers to
     * it, it is an orphan (for vacuum, or for the writer to delete if its commit surely failed).
     */
    Optional<Path> inPlace(String name);

    /**
     * One data file to read.
     *
     * @param path its path in the Delta log, for messages
     * @param blobName its name in the store
     * @param size its size as the log gives it
     */
    record DataFile(String path, String blobName, long size) {
        public DataFile {
            requireNonNull(path, "path is null");
            requireNonNull(blobName, "blobName is null");
            if (size < 0) {
                throw new IllegalArgumentException("size must not be negative: " + size);
            }
        }
    }

    /**
     * The local files of one bin, in order, readable until {@link #close()}, which releases them
     * (unpins cache copies; nothing for files read in place).
     */
    record BinFiles(List<Path> paths, Runnable release) implements AutoCloseable {
        public BinFiles {
            paths = List.copyOf(paths);
            requireNonNull(release, "release is null");
        }

        @Override
        public void close() {
            release.run();
        }
    }
}
