package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import java.nio.file.Path;

/**
 * Where a rewrite's DuckDB reads a table's data files from: a local path per file.
 * {@link InPlaceDataFiles} gives the file of a {@link LocalBlobStore} itself, {@link DownloadedDataFiles}
 * a downloaded copy (any other store).
 *
 * <p><b>Failures.</b> {@link dev.pondhouse.server.lake.blob.BlobStoreException} as the store reads
 * ({@code NOT_FOUND} for a file that does not exist). The path is for reading only and stays valid
 * until the caller deletes the folder it passed. Implementations are thread-safe.
 */
interface DataFileSource {
    /**
     * A local path holding the content of the blob {@code name}.
     *
     * @param folder a local folder of the caller's for copies, which the caller deletes when done
     * @param position the file's place in its bin, unique within {@code folder}
     */
    LocalDataFile locate(String name, Path folder, int position);

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
