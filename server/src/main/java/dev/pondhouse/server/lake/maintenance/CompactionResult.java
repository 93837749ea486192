package dev.pondhouse.server.lake.maintenance;

import java.util.List;

/**
 * What one {@link TableCompactor#compact} run did.
 *
 * @param readVersion the table version the run planned from
 * @param partitionsCompacted partitions in which at least one rewrite committed
 * @param partitionsSkipped partitions that were compact already (fewer than two small files)
 * @param partitionsConflicted partitions in which a rewrite lost to a concurrent commit that removed
 *     the same files (another compaction, an overwrite); their files are as they were, a later run
 *     compacts them
 * @param filesRemoved small files the committed rewrites replaced
 * @param filesAdded files the committed rewrites added
 * @param bytesBefore the size of the replaced files
 * @param bytesAfter the size of the files that replaced them
 * @param committedVersions the versions the rewrites committed, in order (empty if none did)
 * @param conflicts why each conflicting rewrite did not commit
 * @param cancelled whether the run stopped early because it was cancelled; what it committed before
 *     stays committed
 */
public record CompactionResult(
        long readVersion,
        int partitionsCompacted,
        int partitionsSkipped,
        int partitionsConflicted,
        int filesRemoved,
        int filesAdded,
        long bytesBefore,
        long bytesAfter,
        List<Long> committedVersions,
        List<String> conflicts,
        boolean cancelled) {
    public CompactionResult {
        committedVersions = List.copyOf(committedVersions);
        conflicts = List.copyOf(conflicts);
    }
}
