package dev.pondhouse.server.lake.maintenance;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.delta.DeltaLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of a table's {@code _delta_log/} folder by kind, as the Delta protocol names them: commits
 * {@code <v>.json}, checkpoints {@code <v>.checkpoint[.<part>.<parts>|.<uuid>].(parquet|json)},
 * checksums {@code <v>.crc} and log compactions {@code <x>.<y>.compacted.json}. Anything else (the
 * {@code _last_checkpoint} pointer, sub-folders such as {@code _sidecars/}) is not listed by kind.
 * The commit times are the blobs' last-modified times, which the protocol uses as commit timestamps.
 */
final class LogFolder {
    private static final Pattern COMMIT = Pattern.compile("(\\d{20})\\.json");
    private static final Pattern CLASSIC_CHECKPOINT = Pattern.compile("(\\d{20})\\.checkpoint\\.parquet");
    private static final Pattern ANY_CHECKPOINT = Pattern.compile("(\\d{20})\\.checkpoint(\\.[^/]+)?\\.(parquet|json)");
    private static final Pattern CHECKSUM = Pattern.compile("(\\d{20})\\.crc");
    private static final Pattern LOG_COMPACTION = Pattern.compile("(\\d{20})\\.(\\d{20})\\.compacted\\.json");

    /**
     * One listing.
     *
     * @param commits the commit files by version
     * @param classicCheckpoints the classic single-file checkpoints by version (the ones this server reads)
     * @param checkpointFiles every checkpoint file (classic, multi-part, V2) with its version
     * @param checksums the checksum files by version
     * @param logCompactions the log compaction files with their first version
     */
    record Listing(SortedMap<Long, BlobEntry> commits, SortedMap<Long, BlobEntry> classicCheckpoints,
            List<Versioned> checkpointFiles, List<Versioned> checksums, List<Versioned> logCompactions) {
        Listing {
            commits = new TreeMap<>(commits);
            classicCheckpoints = new TreeMap<>(classicCheckpoints);
            checkpointFiles = List.copyOf(checkpointFiles);
            checksums = List.copyOf(checksums);
            logCompactions = List.copyOf(logCompactions);
        }

        /** The oldest version a reader can reconstruct: version 0, or the oldest classic checkpoint. */
        Optional<Long> oldestReconstructable() {
            if (commits.containsKey(0L)) {
                return Optional.of(0L);
            }
            return classicCheckpoints.isEmpty() ? Optional.empty() : Optional.of(classicCheckpoints.firstKey());
        }

        /** The newest version whose commit was written at or before {@code millis}, if any. */
        Optional<Long> newestCommitAtOrBefore(long millis) {
            Optional<Long> newest = Optional.empty();
            for (var commit : commits.entrySet()) {
                if (commit.getValue().lastModified().toEpochMilli() <= millis) {
                    newest = Optional.of(commit.getKey());
                }
            }
            return newest;
        }
    }

    /** A log file that belongs to a version (a log compaction: to its first version). */
    record Versioned(long version, BlobEntry entry) {
        Versioned {
            requireNonNull(entry, "entry is null");
        }
    }

    private LogFolder() {}

    static Listing list(BlobStore store, String tableRoot) {
        String prefix = tableRoot + DeltaLog.LOG_FOLDER;
        SortedMap<Long, BlobEntry> commits = new TreeMap<>();
        SortedMap<Long, BlobEntry> classicCheckpoints = new TreeMap<>();
        List<Versioned> checkpointFiles = new ArrayList<>();
        List<Versioned> checksums = new ArrayList<>();
        List<Versioned> logCompactions = new ArrayList<>();
        for (BlobEntry entry : store.list(prefix)) {
            String fileName = entry.name().substring(prefix.length());
            Matcher matcher;
            if ((matcher = COMMIT.matcher(fileName)).matches()) {
                commits.put(Long.parseLong(matcher.group(1)), entry);
            } else if ((matcher = ANY_CHECKPOINT.matcher(fileName)).matches()) {
                long version = Long.parseLong(matcher.group(1));
                checkpointFiles.add(new Versioned(version, entry));
                if (CLASSIC_CHECKPOINT.matcher(fileName).matches()) {
                    classicCheckpoints.put(version, entry);
                }
            } else if ((matcher = CHECKSUM.matcher(fileName)).matches()) {
                checksums.add(new Versioned(Long.parseLong(matcher.group(1)), entry));
            } else if ((matcher = LOG_COMPACTION.matcher(fileName)).matches()) {
                logCompactions.add(new Versioned(Long.parseLong(matcher.group(1)), entry));
            }
        }
        return new Listing(commits, classicCheckpoints, checkpointFiles, checksums, logCompactions);
    }
}
