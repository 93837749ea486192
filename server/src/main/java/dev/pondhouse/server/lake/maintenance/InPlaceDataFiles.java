package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobName;
import dev.pondhouse.server.lake.blob.BlobStoreException;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data files of a {@link LocalBlobStore}, read where they are: no copy. Safe because data files
 * are never rewritten in place (their names are unique) and a file of the snapshot being compacted is
 * only deleted by a vacuum once the retention after its removal has passed. New files are written
 * where the store keeps them, under their final (unique) name: no copy either. Until its commit such
 * a file is younger than any retention vacuum accepts without {@code force}.
 */
final class InPlaceDataFiles implements DataFileSource {
    private final LocalBlobStore store;

    InPlaceDataFiles(LocalBlobStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    @Override
    public BinFiles read(String tableRoot, List<DataFile> files) {
        List<Path> paths = new ArrayList<>();
        for (DataFile file : files) {
            BlobEntry entry = store.properties(file.blobName()).orElseThrow(() -> new BlobStoreException(
                    BlobStoreException.Kind.NOT_FOUND, file.blobName(), "Blob '" + file.blobName() + "' does not exist in "
                            + store.root()));
            if (entry.size() != file.size()) {
                throw new MaintenanceRefusedException(ErrorKind.INTERNAL, "the data file " + file.path() + " of Delta"
                        + " table " + tableRoot + " has " + entry.size() + " bytes but the log says " + file.size()
                        + "; compaction changed nothing");
            }
            paths.add(store.root().resolve(entry.name()));
        }
        return new BinFiles(paths, () -> {});
    }

    @Override
    public Optional<Path> inPlace(String name) {
        Path file = store.root().resolve(BlobName.requireValid(name));
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of " + file, e);
        }
        return Optional.of(file);
    }
}
