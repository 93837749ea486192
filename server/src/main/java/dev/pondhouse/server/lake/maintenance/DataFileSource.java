package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a rewrite's DuckDB reaches a table's data files: a local path to read each file from, and
 * whether it can write a new file straight into the store. {@link InPlaceDataFiles} gives the files
 * of a {@link LocalBlobStore} themselves and lets new files be written in place; {@link DownloadedDataFiles}
 * gives downloaded copies (any other store), and new files are written locally and uploaded.
 *
 * <p><b>Failures.</b> {@link dev.pondhouse.server.lake.blob.BlobStoreException} as the store reads
 * ({@code NOT_FOUND} for a file that does not exist); {@link java.io.UncheckedIOException} if a local
 * folder cannot be created. A path from {@link #locate} is for reading only and stays valid until the
 * caller deletes the folder it passed. Implementations are thread-safe.
 */
interface DataFileSource {
    /**
     * A local path holding the content of the blob {@code name}.
     *
     * @param folder a local folder of the caller's for copies, which the caller deletes when done
     * @param position the file's place in its bin, unique within {@code folder}
     */
    LocalDataFile locate(String name, Path folder, int position);

    /**
     * Where a new data file that is to become the blob {@code name} can be written directly, so that
     * it needs no upload: the store's own file for that blob (its folder created), or empty if the
     * store is not local. The file is in the store as soon as it is written; until a commit refers to
     * it, it is an orphan (for vacuum, or for the writer to delete if its commit surely failed).
     */
    Optional<Path> inPlace(String name);

    /** A data file DuckDB can read at {@code path}, of {@code size} bytes. */
    record LocalDataFile(Path path, long size) {
        public LocalDataFile {
            requireNonNull(path, "path is null");
            if (size < 0) {
                throw new IllegalArgumentException("size must not be negative: " + size);
            }
        }
    }

    /** Reads the files of a local store in place, those of any other store from downloaded copies. */
    static DataFileSource of(BlobStore store) {
        return store instanceof LocalBlobStore local ? new InPlaceDataFiles(local) : new DownloadedDataFiles(store);
    }
}
