package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * What one {@link TableVacuum#vacuum} run deleted, or would delete in a dry run.
 *
 * @param version the table version the run read
 * @param cutoff files last modified after this, and files that a snapshot current at or after it
 *     needs, were kept
 * @param dryRun whether nothing was deleted
 * @param files the files deleted (or that would be), in name order; when cancelled, those deleted
 *     before it stopped
 * @param cancelled whether the run stopped early because it was cancelled
 */
public record VacuumResult(long version, Instant cutoff, boolean dryRun, List<VacuumResult.DeletedFile> files,
        boolean cancelled) {
    public VacuumResult {
        requireNonNull(cutoff, "cutoff is null");
        files = List.copyOf(files);
    }

    /** Why a file is not needed. */
    public enum Reason {
        /** The table removed it (a tombstone) before the retention window. */
        REMOVED,
        /**
         * No retained snapshot or tombstone refers to it: written by a write that never committed, or
         * removed so long ago that the log no longer records it.
         */
        ORPHAN
    }

    /**
     * One file.
     *
     * @param path its path relative to the table root
     * @param size its size in bytes
     * @param lastModified when it was last written, as the store reports it
     * @param reason why it is not needed
     */
    public record DeletedFile(String path, long size, Instant lastModified, Reason reason) {
        public DeletedFile {
            requireNonNull(path, "path is null");
            requireNonNull(lastModified, "lastModified is null");
            requireNonNull(reason, "reason is null");
        }
    }

    /** The total size of {@link #files()}. */
    public long bytes() {
        return files.stream().mapToLong(DeletedFile::size).sum();
    }
}
