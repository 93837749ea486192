package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStoreException;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import java.nio.file.Path;

/**
 * The data files of a {@link LocalBlobStore}, read where they are: no copy. Safe because data files
 * are never rewritten in place (their names are unique) and a file of the snapshot being compacted is
 * only deleted by a vacuum once the retention after its removal has passed.
 */
final class InPlaceDataFiles implements DataFileSource {
    private final LocalBlobStore store;

    InPlaceDataFiles(LocalBlobStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    @Override
    public LocalDataFile locate(String name, Path folder, int position) {
        BlobEntry entry = store.properties(name).orElseThrow(() -> new BlobStoreException(BlobStoreException.Kind.NOT_FOUND,
                name, "Blob '" + name + "' does not exist in " + store.root()));
        return new LocalDataFile(store.root().resolve(entry.name()), entry.size());
    }
}
