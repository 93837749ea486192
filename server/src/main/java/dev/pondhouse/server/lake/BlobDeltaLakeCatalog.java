package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.CachedTables.CachedFile;
import dev.pondhouse.server.lake.CachedTables.TableVersion;
import dev.pondhouse.server.lake.DeltaDataFiles.InvalidDataFileException;
import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobName;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.BlobStoreException;
import dev.pondhouse.server.lake.cache.CacheKey;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CheckpointReader;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.DeltaLogException;
import dev.pondhouse.server.lake.delta.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lake of Delta tables in a {@link BlobStore} (an Azure container, or a local folder through
 * {@link dev.pondhouse.server.lake.blob.LocalBlobStore}), served from the {@link DiskCache}:
 * {@code <root><schema>/<table>/_delta_log/}, with the folder naming rules of
 * {@link DeltaLakeCatalog} (shared in {@link LakeFolders}) and its rules for data file paths.
 *
 * <p><b>Refresh.</b> Each {@link #tables()} lists the schema and table folders and each table's
 * {@code _delta_log/}. A table whose newest log version is the one served is not read again. A
 * newer version is read with {@link DeltaLog} (from its newest checkpoint on), and all of its data
 * files are brought into the cache before the table is returned with the cached paths: the view
 * moves to a new snapshot only when that snapshot is complete on local disk. The files of the
 * snapshots returned are pinned in the cache (owner {@code <namespace>:<schema>.<table>}).
 *
 * <p><b>Failures.</b> A table whose log cannot be read (a gap, corrupt JSON, an unsupported
 * protocol, an invalid data file path), or whose new files cannot be cached (a missing blob, a size
 * other than the log's, storage unreachable) keeps being served at the last version that worked, and
 * the problem is reported on every refresh; one that never worked is left out. A log that failed
 * for a reason other than storage is not read again until its newest version changes. If the lake's
 * folders themselves cannot be listed, {@link #tables()} throws and nothing changes.
 *
 * <p>Thread-safe: {@link #tables()} is synchronized. The constructor does no I/O.
 */
public final class BlobDeltaLakeCatalog implements LakeCatalog {
    private static final Pattern LOG_VERSION = Pattern.compile("(\\d{20})\\.(json|checkpoint\\..*parquet|checkpoint\\..*json)");

    private final BlobStore store;
    private final String root;
    private final String namespace;
    private final CommitFileFormat format;
    private final CheckpointReader checkpointReader;

    // Guarded by this.
    private final CachedTables served;
    private final Map<String, Unreadable> unreadable = new HashMap<>();

    /** A table whose log failed at its newest version for a reason that retrying will not fix. */
    private record Unreadable(long newestVersion, String reason) {}

    /**
     * @param store where the lake is
     * @param root the lake's folder in the store: empty, or a prefix ending with {@code /}
     * @param cache where data files are copied to be served
     * @param namespace the cache namespace of this store's files, e.g. {@code lake}
     * @param format the commit file codec
     * @param checkpointReader reads checkpoints from {@code store}
     */
    public BlobDeltaLakeCatalog(BlobStore store, String root, DiskCache cache, String namespace, CommitFileFormat format,
            CheckpointReader checkpointReader) {
        this.store = requireNonNull(store, "store is null");
        this.root = BlobName.requireValidPrefix(requireNonNull(root, "root is null"));
        if (!root.isEmpty() && !root.endsWith("/")) {
            throw new IllegalArgumentException("the lake root in a blob store is empty or ends with '/': " + root);
        }
        this.namespace = BlobName.requireValid(requireNonNull(namespace, "namespace is null"));
        this.format = requireNonNull(format, "format is null");
        this.checkpointReader = requireNonNull(checkpointReader, "checkpointReader is null");
        this.served = new CachedTables(cache, namespace + ":");
    }

    @Override
    public synchronized Listing tables() throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, LogListing> logs = new HashMap<>();
        List<LakeFolders.TableFolder<String>> folders;
        try {
            folders = LakeFolders.tableFolders(store, root, folder -> hasLog(folder, logs), problems);
        } catch (BlobStoreException e) {
            throw new IOException("the lake's folders in " + store + " cannot be listed: " + e.getMessage(), e);
        }
        for (LakeFolders.TableFolder<String> folder : folders) {
            String name = folder.qualifiedName();
            Optional<TableVersion> previous = served.served(name);
            LogListing log = logs.get(folder.folder());
            if (log.failure().isPresent()) {
                problems.add(unreadableProblem(name, log.failure().get().getMessage(), previous));
                previous.ifPresent(version -> served.want(name, version));
                continue;
            }
            long newest = log.newestVersion();
            if (previous.isPresent() && previous.get().version().equals(Long.toString(newest))) {
                served.want(name, previous.get());
                continue;
            }
            Unreadable known = unreadable.get(name);
            if (known != null && known.newestVersion() == newest) {
                problems.add(unreadableProblem(name, known.reason(), previous));
                previous.ifPresent(version -> served.want(name, version));
                continue;
            }
            unreadable.remove(name);
            try {
                Optional<Snapshot> latest = new DeltaLog(store, folder.folder(), format, checkpointReader).latest();
                if (latest.isEmpty() || latest.get().activeFiles().isEmpty()) {
                    problems.add("Delta table " + name + " has no data files yet; not served");
                    unreadable.put(name, new Unreadable(newest, "it has no data files yet"));
                    continue;
                }
                served.want(name, version(folder, latest.get()));
            } catch (BlobStoreException | UncheckedIOException e) {
                // Storage trouble: read the log again at the next refresh.
                problems.add(unreadableProblem(name, e.getMessage(), previous));
                previous.ifPresent(version -> served.want(name, version));
            } catch (DeltaLogException | InvalidDataFileException e) {
                problems.add(unreadableProblem(name, e.getMessage(), previous));
                previous.ifPresent(version -> served.want(name, version));
                unreadable.put(name, new Unreadable(newest, e.getMessage()));
            }
        }
        unreadable.keySet().retainAll(folders.stream().map(LakeFolders.TableFolder::qualifiedName).toList());
        List<LakeTable> tables = served.serve(problems);
        return new Listing(tables, problems);
    }

    private TableVersion version(LakeFolders.TableFolder<String> folder, Snapshot snapshot) {
        List<CachedFile> files = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        for (AddFile add : snapshot.activeFiles()) {
            DeltaDataFiles.requireRelative(add.path(), snapshot.version());
            String blobName = folder.folder() + add.path();
            try {
                BlobName.requireValid(blobName);
            } catch (BlobStoreException e) {
                throw new InvalidDataFileException("data file " + add.path() + " at version " + snapshot.version()
                        + " is not a plain path inside the table folder");
            }
            CacheKey key = CacheKey.immutable(namespace, blobName);
            files.add(new CachedFile(store, key, add.size()));
            paths.add(served.pathOf(key));
        }
        paths.sort(null);
        LakeTable table = new LakeTable(folder.schema(), folder.table(), paths,
                !snapshot.metadata().partitionColumns().isEmpty());
        return new TableVersion(Long.toString(snapshot.version()), table, files);
    }

    private static String unreadableProblem(String name, String reason, Optional<TableVersion> previous) {
        return "Delta table " + name + " cannot be read: " + reason
                + previous.map(version -> "; still serving version " + version.version()).orElse("; not served");
    }

    /** Lists the table's log (remembered for this refresh); a table folder belongs if the log has files. */
    private boolean hasLog(String tableFolder, Map<String, LogListing> logs) {
        LogListing listing;
        try {
            listing = LogListing.of(store.list(tableFolder + DeltaLog.LOG_FOLDER));
        } catch (BlobStoreException e) {
            listing = new LogListing(-1, true, Optional.of(e));
        }
        logs.put(tableFolder, listing);
        return listing.exists();
    }

    /**
     * What a table's log folder holds, as far as a refresh needs: its newest version ({@code -1}
     * without commits), whether it has files at all, or why it could not be listed.
     */
    private record LogListing(long newestVersion, boolean exists, Optional<BlobStoreException> failure) {
        static LogListing of(List<BlobEntry> entries) {
            long newest = -1;
            for (BlobEntry entry : entries) {
                String fileName = entry.name().substring(entry.name().lastIndexOf('/') + 1);
                Matcher matcher = LOG_VERSION.matcher(fileName);
                if (matcher.matches()) {
                    newest = Math.max(newest, Long.parseLong(matcher.group(1)));
                }
            }
            return new LogListing(newest, !entries.isEmpty(), Optional.empty());
        }
    }
}
