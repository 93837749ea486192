package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * The {@code add} action: a data file becomes part of the table (or replaces the entry of the same
 * path).
 *
 * @param path the file's path relative to the table root (or an absolute URI), decoded: the log
 *     stores it URL-encoded, {@link CommitFileFormat} encodes and decodes
 * @param partitionValues the file's value of each partition column, as Delta's string form; empty
 *     for a null value
 * @param size the file's size in bytes
 * @param modificationTime when the file was written, in milliseconds since the epoch
 * @param dataChange false when the file only rearranges existing data (compaction)
 * @param stats the file's statistics as a JSON string ({@code numRecords}, {@code minValues},
 *     {@code maxValues}, {@code nullCount}), if known
 * @param tags free-form tags, usually none
 */
public record AddFile(
        String path,
        Map<String, Optional<String>> partitionValues,
        long size,
        long modificationTime,
        boolean dataChange,
        Optional<String> stats,
        Map<String, String> tags) implements Action {
    public AddFile {
        requireNonNull(path, "path is null");
        partitionValues = Map.copyOf(partitionValues);
        requireNonNull(stats, "stats is null");
        tags = Map.copyOf(tags);
        if (path.isEmpty()) {
            throw new IllegalArgumentException("add path is empty");
        }
        if (size < 0) {
            throw new IllegalArgumentException("add size is negative for " + path + ": " + size);
        }
    }
}
