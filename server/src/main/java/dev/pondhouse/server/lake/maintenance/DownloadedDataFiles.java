package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The data files of any {@link BlobStore}, downloaded into the caller's folder as {@code <position>.parquet};
 * new files are written locally and uploaded.
 */
final class DownloadedDataFiles implements DataFileSource {
    private final BlobStore store;

    DownloadedDataFiles(BlobStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    @Override
    public LocalDataFile locate(String name, Path folder, int position) {
        Path local = folder.resolve(String.format(Locale.ROOT, "%06d.parquet", position));
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the local folder " + folder, e);
        }
        long size = store.download(name, local);
        return new LocalDataFile(local, size);
    }

    @Override
    public Optional<Path> inPlace(String name) {
        return Optional.empty();
    }
}
