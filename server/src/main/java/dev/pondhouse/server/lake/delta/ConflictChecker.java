package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a write that lost the race for a version may still commit after the winners, by
 * Delta's optimistic concurrency rules (as in Delta's {@code ConflictChecker}), checked against each
 * winning commit in turn:
 *
 * <ol>
 *   <li>A winner that changed the protocol or the metadata (schema, partitioning, properties) aborts
 *       every write: its files were written for the old table.
 *   <li>A winner that removed a file this write also removes, or that this write read, aborts it
 *       (two compactions of one file; an overwrite racing a compaction or another overwrite).
 *   <li>A winner that added data ({@code dataChange = true}) into rows this write replaces aborts it:
 *       anywhere in the table for an overwrite, in the replaced partitions for a partition
 *       replacement. Otherwise the replaced data would survive, or the new data vanish, depending on
 *       timing.
 *   <li>Nothing else conflicts: blind appends read nothing and remove nothing, so they never conflict
 *       with each other, and rewrites ({@code dataChange = false}) never with appends.
 * </ol>
 *
 * This is Delta's {@code WriteSerializable} level, except that overwrites and partition replacements
 * also conflict with concurrent blind appends into what they replace (Delta's {@code Serializable}
 * behaviour for those): "overwrite" then means the table holds exactly the new rows. Application
 * transactions ({@code txn}) are handled by the committer, not here. Stateless.
 */
final class ConflictChecker {
    private ConflictChecker() {}

    /**
     * What a write read and changes, as far as conflicts go.
     *
     * @param readsWholeTable whether its result depends on every file of the read snapshot (overwrite)
     * @param replacedPartitions the partitions (normalized values) whose rows it replaces
     * @param readFiles the files whose content it depends on
     * @param removedFiles the files it removes
     */
    record Footprint(boolean readsWholeTable, Set<Map<String, Optional<String>>> replacedPartitions,
            Set<String> readFiles, Set<String> removedFiles) {
        /** The footprint of a blind append: nothing read, nothing removed. */
        static final Footprint BLIND_APPEND = new Footprint(false, Set.of(), Set.of(), Set.of());

        Footprint {
            replacedPartitions = Set.copyOf(replacedPartitions);
            readFiles = Set.copyOf(readFiles);
            removedFiles = Set.copyOf(removedFiles);
        }
    }

    /** Why the winning commit {@code version} conflicts with a write of this footprint, or empty if it does not. */
    static Optional<String> conflict(Footprint footprint, long version, List<Action> winner) {
        requireNonNull(footprint, "footprint is null");
        for (Action action : winner) {
            if (action instanceof Protocol) {
                return Optional.of("version " + version + " changed the table's protocol");
            }
            if (action instanceof Metadata) {
                return Optional.of("version " + version + " changed the table's metadata (schema, partitioning or"
                        + " properties)");
            }
        }
        for (Action action : winner) {
            if (action instanceof RemoveFile remove) {
                if (footprint.removedFiles().contains(remove.path())) {
                    return Optional.of("version " + version + " removed the file " + remove.path() + ", which this"
                            + " write removes too");
                }
                if (footprint.readsWholeTable() || footprint.readFiles().contains(remove.path())) {
                    return Optional.of("version " + version + " removed the file " + remove.path() + ", which this"
                            + " write read");
                }
            } else if (action instanceof AddFile add && add.dataChange()) {
                if (footprint.readsWholeTable()) {
                    return Optional.of("version " + version + " added data (" + add.path() + ") to the table this"
                            + " write replaces");
                }
                Map<String, Optional<String>> partition = PartitionPaths.normalize(add.partitionValues());
                if (footprint.replacedPartitions().contains(partition)) {
                    return Optional.of("version " + version + " added data (" + add.path() + ") into the partition "
                            + partition + ", which this write replaces");
                }
            }
        }
        return Optional.empty();
    }
}
