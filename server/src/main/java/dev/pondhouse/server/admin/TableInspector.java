package dev.pondhouse.server.admin;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.BlobStoreException;
import dev.pondhouse.server.lake.delta.Action;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CheckpointReader;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.CommitInfo;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.DeltaLogException;
import dev.pondhouse.server.lake.delta.RemoveFile;
import dev.pondhouse.server.lake.delta.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Describes lake tables for the admin API, as JSON values, straight from the blob store: a Delta
 * table from its log (latest version, active files, partition columns, recent commits), a plain
 * Parquet folder from its files (what it can tell: file count, bytes, newest file, partition columns
 * from {@code key=value} folders).
 *
 * <p>A table that cannot be read is described with a {@code problem} instead of failing: Delta log
 * messages are passed on (they name the table and version, not local paths); store failures are
 * logged with an id.
 *
 * <p>Thread-safe: no state between calls.
 */
public final class TableInspector {
    private static final Logger log = LoggerFactory.getLogger(TableInspector.class);
    private static final Pattern COMMIT_FILE = Pattern.compile("(\\d{20})\\.json");
    private static final Pattern PARTITION_FOLDER = Pattern.compile("([^=/]+)=[^/]*");

    private final BlobStore store;
    private final String lakeRoot;
    private final CommitFileFormat format;
    private final CheckpointReader checkpoints;

    /** An inspector of a lake at the root of {@code store}. */
    public TableInspector(BlobStore store, CommitFileFormat format, CheckpointReader checkpoints) {
        this(store, "", format, checkpoints);
    }

    /**
     * @param store the lake's store
     * @param lakeRoot the lake's folder in the store: empty, or a prefix ending with {@code /}
     * @param format the commit file codec
     * @param checkpoints reads checkpoints from {@code store}
     */
    public TableInspector(BlobStore store, String lakeRoot, CommitFileFormat format, CheckpointReader checkpoints) {
        this.store = requireNonNull(store, "store is null");
        this.lakeRoot = requireNonNull(lakeRoot, "lakeRoot is null");
        if (!lakeRoot.isEmpty() && !lakeRoot.endsWith("/")) {
            throw new IllegalArgumentException("the lake root is empty or ends with '/': " + lakeRoot);
        }
        this.format = requireNonNull(format, "format is null");
        this.checkpoints = requireNonNull(checkpoints, "checkpoints is null");
    }

    /** Schema, name, format, version (Delta), files, bytes, partition columns, last modified. */
    public Map<String, Object> summary(LakeTableName table) {
        return describe(table, 0);
    }

    /** The summary plus the newest {@code commits} commits of a Delta table, newest first. */
    public Map<String, Object> details(LakeTableName table, int commits) {
        return describe(table, commits);
    }

    private Map<String, Object> describe(LakeTableName table, int commits) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema", table.schema());
        json.put("name", table.table());
        String root = lakeRoot + table.folder();
        try {
            List<BlobEntry> logEntries = store.list(root + DeltaLog.LOG_FOLDER);
            if (logEntries.isEmpty()) {
                describeFolder(root, json);
            } else {
                describeDelta(root, logEntries, commits, json);
            }
        } catch (DeltaLogException e) {
            json.put("problem", e.getMessage());
        } catch (BlobStoreException | IllegalArgumentException e) {
            String errorId = UUID.randomUUID().toString();
            log.warn("table {} cannot be described (error {})", table, errorId, e);
            json.put("problem", "the table's files cannot be read (error " + errorId + ", details are in the server log)");
        }
        return json;
    }

    private void describeDelta(String root, List<BlobEntry> logEntries, int commits, Map<String, Object> json) {
        json.put("format", "delta");
        DeltaLog deltaLog = new DeltaLog(store, root, format, checkpoints);
        Optional<Snapshot> latest = deltaLog.latest();
        List<BlobEntry> commitFiles = logEntries.stream()
                .filter(entry -> COMMIT_FILE.matcher(fileName(entry)).matches())
                .sorted(Comparator.comparing(BlobEntry::name).reversed())
                .toList();
        if (latest.isEmpty()) {
            json.put("version", null);
            json.put("files", 0);
            json.put("bytes", 0L);
            json.put("partitionColumns", List.of());
            json.put("lastModified", null);
        } else {
            Snapshot snapshot = latest.get();
            json.put("version", snapshot.version());
            json.put("files", snapshot.activeFiles().size());
            json.put("bytes", snapshot.activeFiles().stream().mapToLong(AddFile::size).sum());
            json.put("partitionColumns", snapshot.metadata().partitionColumns());
            json.put("lastModified", commitFiles.isEmpty() ? null : commitFiles.get(0).lastModified().toString());
            json.put("tableId", snapshot.metadata().id());
            json.put("createdTime", snapshot.metadata().createdTime().map(millis -> Instant.ofEpochMilli(millis).toString())
                    .orElse(null));
        }
        if (commits > 0) {
            List<Map<String, Object>> history = new ArrayList<>();
            for (BlobEntry entry : commitFiles.subList(0, Math.min(commits, commitFiles.size()))) {
                history.add(commit(entry));
            }
            json.put("history", history);
        }
    }

    private Map<String, Object> commit(BlobEntry entry) {
        Matcher matcher = COMMIT_FILE.matcher(fileName(entry));
        matcher.matches();
        List<Action> actions = format.parse(store.read(entry.name()), entry.name());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", Long.parseLong(matcher.group(1)));
        Optional<CommitInfo> info = actions.stream().filter(CommitInfo.class::isInstance).map(CommitInfo.class::cast)
                .findFirst();
        json.put("timestamp", info.flatMap(CommitInfo::timestamp).map(Instant::ofEpochMilli).orElse(entry.lastModified())
                .toString());
        json.put("operation", info.flatMap(CommitInfo::operation).orElse(null));
        json.put("operationParameters", info.map(CommitInfo::operationParameters).orElse(Map.of()));
        json.put("filesAdded", actions.stream().filter(AddFile.class::isInstance).count());
        json.put("filesRemoved", actions.stream().filter(RemoveFile.class::isInstance).count());
        return json;
    }

    private void describeFolder(String root, Map<String, Object> json) {
        json.put("format", "parquet");
        json.put("version", null);
        long files = 0;
        long bytes = 0;
        Instant newest = null;
        TreeSet<String> partitionColumns = new TreeSet<>();
        for (BlobEntry entry : store.list(root)) {
            String relative = entry.name().substring(root.length());
            if (!relative.endsWith(".parquet") || hidden(relative)) {
                continue;
            }
            files++;
            bytes += entry.size();
            newest = newest == null || entry.lastModified().isAfter(newest) ? entry.lastModified() : newest;
            String[] parts = relative.split("/");
            for (int index = 0; index < parts.length - 1; index++) {
                Matcher partition = PARTITION_FOLDER.matcher(parts[index]);
                if (partition.matches()) {
                    partitionColumns.add(partition.group(1));
                }
            }
        }
        json.put("files", files);
        json.put("bytes", bytes);
        json.put("partitionColumns", List.copyOf(partitionColumns));
        json.put("lastModified", newest == null ? null : newest.toString());
    }

    private static boolean hidden(String relative) {
        for (String part : relative.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String fileName(BlobEntry entry) {
        return entry.name().substring(entry.name().lastIndexOf('/') + 1);
    }
}
