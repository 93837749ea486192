package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.Snapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides what {@link TableCompactor} rewrites: per partition, the files below
 * {@link CompactionSettings#smallFileSize()} in commit order (modification time, then path), cut into
 * consecutive groups ("bins") of at most {@link CompactionSettings#targetFileSize()} bytes. A last bin
 * of a single file joins the bin before it, so no small file stays behind alone. A partition with
 * fewer than two small files is compact already and skipped. Pure: no I/O.
 */
final class CompactionPlanner {
    private CompactionPlanner() {}

    /** The rewrite of one partition: its consecutive bins, each becoming one new file. */
    record PartitionPlan(Map<String, Optional<String>> partitionValues, List<List<AddFile>> bins) {
        PartitionPlan {
            partitionValues = Map.copyOf(partitionValues);
            bins = bins.stream().map(List::copyOf).toList();
        }

        long bytes() {
            return bins.stream().flatMap(List::stream).mapToLong(AddFile::size).sum();
        }

        int files() {
            return bins.stream().mapToInt(List::size).sum();
        }
    }

    /**
     * What to rewrite in {@code snapshot}.
     *
     * @return the partitions to compact, in a stable order, and how many partitions are compact already
     */
    static Plan plan(Snapshot snapshot, CompactionSettings settings) {
        requireNonNull(snapshot, "snapshot is null");
        requireNonNull(settings, "settings is null");
        Map<String, List<AddFile>> partitions = new TreeMap<>();
        Map<String, Map<String, Optional<String>>> partitionValues = new LinkedHashMap<>();
        for (AddFile file : snapshot.activeFiles()) {
            Map<String, Optional<String>> values = normalize(file.partitionValues());
            String key = values.toString();
            partitions.computeIfAbsent(key, ignored -> new ArrayList<>()).add(file);
            partitionValues.putIfAbsent(key, values);
        }
        List<PartitionPlan> compacted = new ArrayList<>();
        int skipped = 0;
        for (Map.Entry<String, List<AddFile>> partition : partitions.entrySet()) {
            List<List<AddFile>> bins = bins(partition.getValue(), settings);
            if (bins.isEmpty()) {
                skipped++;
            } else {
                compacted.add(new PartitionPlan(partitionValues.get(partition.getKey()), bins));
            }
        }
        return new Plan(compacted, skipped);
    }

    /** The partitions to compact and the number of partitions left as they are. */
    record Plan(List<PartitionPlan> partitions, int skippedPartitions) {
        Plan {
            partitions = List.copyOf(partitions);
        }

        long bytes() {
            return partitions.stream().mapToLong(PartitionPlan::bytes).sum();
        }
    }

    /** The order in which a partition's rows were written: by modification time, then path. */
    static final Comparator<AddFile> COMMIT_ORDER =
            Comparator.comparingLong(AddFile::modificationTime).thenComparing(AddFile::path);

    private static List<List<AddFile>> bins(List<AddFile> files, CompactionSettings settings) {
        List<AddFile> small = files.stream()
                .filter(file -> file.size() < settings.smallFileSize())
                .sorted(COMMIT_ORDER)
                .toList();
        if (small.size() < 2) {
            return List.of();
        }
        List<List<AddFile>> bins = new ArrayList<>();
        List<AddFile> current = new ArrayList<>();
        long currentBytes = 0;
        for (AddFile file : small) {
            if (!current.isEmpty() && currentBytes + file.size() > settings.targetFileSize()) {
                bins.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(file);
            currentBytes += file.size();
        }
        bins.add(current);
        if (bins.size() > 1 && current.size() == 1) {
            bins.remove(bins.size() - 1);
            bins.get(bins.size() - 1).add(current.get(0));
        }
        // Only possible when small files may exceed half the target: a file alone gains nothing.
        bins.removeIf(bin -> bin.size() < 2);
        return bins;
    }

    /** Partition values as compared: an empty string is null, as the log stores it. */
    private static Map<String, Optional<String>> normalize(Map<String, Optional<String>> values) {
        Map<String, Optional<String>> normalized = new TreeMap<>();
        values.forEach((column, value) -> normalized.put(column, value.filter(text -> !text.isEmpty())));
        return normalized;
    }
}
