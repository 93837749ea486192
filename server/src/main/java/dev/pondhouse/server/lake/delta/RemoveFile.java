package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * The {@code remove} action: a data file stops being part of the table. The file itself stays in
 * storage until vacuum, so readers of older versions can still use it.
 *
 * @param path the file's path as in its {@link AddFile}, decoded
 * @param deletionTimestamp when it was removed, in milliseconds since the epoch, if recorded
 * @param dataChange false when the removal only rearranges existing data (compaction)
 * @param extendedFileMetadata whether {@code partitionValues} and {@code size} are present
 * @param partitionValues the file's partition values, if recorded
 * @param size the file's size in bytes, if recorded
 */
public record RemoveFile(
        String path,
        Optional<Long> deletionTimestamp,
        boolean dataChange,
        Optional<Boolean> extendedFileMetadata,
        Optional<Map<String, Optional<String>>> partitionValues,
        Optional<Long> size) implements Action {
    public RemoveFile {
        requireNonNull(path, "path is null");
        requireNonNull(deletionTimestamp, "deletionTimestamp is null");
        requireNonNull(extendedFileMetadata, "extendedFileMetadata is null");
        partitionValues = requireNonNull(partitionValues, "partitionValues is null").map(Map::copyOf);
        requireNonNull(size, "size is null");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("remove path is empty");
        }
    }

    /** The removal of {@code file} at {@code deletionTimestamp}, with its partition values and size. */
    public static RemoveFile of(AddFile file, long deletionTimestamp, boolean dataChange) {
        return new RemoveFile(
                file.path(),
                Optional.of(deletionTimestamp),
                dataChange,
                Optional.of(true),
                Optional.of(file.partitionValues()),
                Optional.of(file.size()));
    }
}
