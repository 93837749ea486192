package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobName;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.BlobStore.CreateOutcome;
import dev.pondhouse.server.lake.blob.BlobStoreException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Delta log of one table: the commit files {@code <tableRoot>_delta_log/<20-digit version>.json}
 * in a {@link BlobStore}. Reads the latest snapshot by starting from the newest classic checkpoint
 * ({@code <version>.checkpoint.parquet}), if any, and replaying every later commit; commits a new
 * version with one create-if-absent write.
 *
 * <p>The listing of {@code _delta_log/} is authoritative: {@code _last_checkpoint} is only a hint for
 * stores that cannot list, and is not read.
 *
 * <p><b>Limits of this version.</b> Multi-part and V2 checkpoints are not read: when the commits
 * they would replace are gone, the error says so. Only tables at reader version 1 without reader
 * features are read. This class writes commits only; classic checkpoints are written by
 * {@link CheckpointWriter} (the {@link DeltaTableWriter} does so every N commits), multi-part and V2
 * checkpoints never. {@link #commit} writes only protocol reader 1 / writer 2 but does not check an
 * existing table's writer protocol: the caller checks the snapshot it commits against.
 * {@link #commit} makes one attempt and does not retry: on {@link CommitResult.Outcome#CONFLICT}
 * the caller re-reads the log and decides by the Delta conflict rules ({@link DeltaTableWriter}
 * does). A write whose outcome is unknown ({@code UNKNOWN_OUTCOME} from the store) propagates as
 * that {@link dev.pondhouse.server.lake.blob.BlobStoreException}; the caller settles it by reading
 * the version back ({@link DeltaTableWriter} does) and must not delete the commit's data files
 * while it is unknown.
 *
 * <p>Thread-safe: it holds no mutable state; concurrent commits are settled by the store.
 */
public final class DeltaLog {
    /** The log folder's name inside the table root. */
    public static final String LOG_FOLDER = "_delta_log/";

    private static final Pattern COMMIT_FILE = Pattern.compile("(\\d{20})\\.json");
    private static final Pattern CLASSIC_CHECKPOINT_FILE = Pattern.compile("(\\d{20})\\.checkpoint\\.parquet");
    private static final Pattern OTHER_CHECKPOINT_FILE = Pattern.compile("\\d{20}\\.checkpoint\\..+\\.(parquet|json)");

    private final BlobStore store;
    private final String tableRoot;
    private final CommitFileFormat format;
    private final CheckpointReader checkpointReader;

    /**
     * @param store where the table lives
     * @param tableRoot the table's folder in the store, ending with {@code /}, e.g. {@code tpch/orders/}
     * @param format the commit file codec
     * @param checkpointReader reads classic checkpoints
     */
    public DeltaLog(BlobStore store, String tableRoot, CommitFileFormat format, CheckpointReader checkpointReader) {
        this.store = requireNonNull(store, "store is null");
        this.tableRoot = BlobName.requireValidPrefix(requireNonNull(tableRoot, "tableRoot is null"));
        this.format = requireNonNull(format, "format is null");
        this.checkpointReader = requireNonNull(checkpointReader, "checkpointReader is null");
        if (!tableRoot.endsWith("/")) {
            throw new IllegalArgumentException("tableRoot must end with '/': " + tableRoot);
        }
    }

    /** The table's folder in the store. */
    public String tableRoot() {
        return tableRoot;
    }

    /** The name of the commit file of {@code version}, relative to the table root. */
    public static String commitFileName(long version) {
        if (version < 0) {
            throw new IllegalArgumentException("version is negative: " + version);
        }
        return LOG_FOLDER + String.format("%020d.json", version);
    }

    /** The name of the classic checkpoint of {@code version}, relative to the table root. */
    public static String checkpointFileName(long version) {
        if (version < 0) {
            throw new IllegalArgumentException("version is negative: " + version);
        }
        return LOG_FOLDER + String.format("%020d.checkpoint.parquet", version);
    }

    /**
     * The table at its latest version, or empty if it has no commits (no table yet).
     *
     * @throws DeltaLogException if the log has a gap, a malformed commit or checkpoint, no protocol or
     *     metadata, or needs reader support this server lacks
     * @throws dev.pondhouse.server.lake.blob.BlobStoreException if the store fails
     */
    public Optional<Snapshot> latest() {
        return replay(Long.MAX_VALUE);
    }

    /**
     * The table at {@code version}: from the newest classic checkpoint at or before it, replaying the
     * commits up to and including it.
     *
     * @throws DeltaLogException if the table has no such version, or as {@link #latest()}
     */
    public Snapshot snapshotAt(long version) {
        if (version < 0) {
            throw new IllegalArgumentException("version is negative: " + version);
        }
        Snapshot snapshot = replay(version).orElseThrow(() -> DeltaLogException.corrupt(
                "Delta table " + tableRoot + " has no version " + version + " (it has no commits)"));
        if (snapshot.version() != version) {
            throw DeltaLogException.corrupt("Delta table " + tableRoot + " has no version " + version
                    + "; its latest version is " + snapshot.version());
        }
        return snapshot;
    }

    private Optional<Snapshot> replay(long upTo) {
        LogListing listing = listLog();
        Optional<Long> checkpoint = listing.newestClassicCheckpoint(upTo);
        long first = checkpoint.map(version -> version + 1).orElse(0L);
        List<Long> commits = listing.commitVersions().stream()
                .filter(version -> version >= first && version <= upTo)
                .toList();
        if (checkpoint.isEmpty() && commits.isEmpty()) {
            if (!listing.otherCheckpointFiles().isEmpty()) {
                throw unsupportedCheckpoints(listing);
            }
            return Optional.empty();
        }
        LogReplay replay = new LogReplay(tableRoot);
        checkpoint.ifPresent(version -> replay.apply(checkpointReader.read(tableRoot + checkpointFileName(version))));
        long expected = first;
        for (long version : commits) {
            if (version != expected) {
                String missing = "Delta log of " + tableRoot + " is missing version " + expected
                        + " (" + commitFileName(expected) + "); the latest version is " + commits.get(commits.size() - 1);
                if (listing.otherCheckpointFiles().isEmpty()) {
                    throw DeltaLogException.corrupt(missing);
                }
                throw DeltaLogException.unsupported(missing + "; " + unsupportedCheckpoints(listing).getMessage());
            }
            replay.apply(readCommit(version));
            expected++;
        }
        return Optional.of(replay.snapshot(expected - 1));
    }

    /**
     * Writes {@code actions} as version {@code expectedVersion + 1}, if no other writer has written
     * that version. The commit file starts with the commit info, then the other actions in order.
     *
     * @param expectedVersion the version the actions were computed from; {@code -1} to create the table
     * @param actions exactly one {@link CommitInfo} with a commit id; the first commit (version 0) also
     *     needs one {@link Protocol} and one {@link Metadata}
     * @return {@code COMMITTED} if the version is this commit (also when the store answered "exists"
     *     but the stored file carries this commit's id), {@code CONFLICT} if another writer's
     * @throws IllegalArgumentException if the actions do not make a valid commit
     */
    public CommitResult commit(long expectedVersion, List<Action> actions) {
        if (expectedVersion < -1) {
            throw new IllegalArgumentException("expectedVersion must be -1 or more: " + expectedVersion);
        }
        long version = expectedVersion + 1;
        CommitInfo commitInfo = validateCommit(version, List.copyOf(actions));
        String commitId = commitInfo.commitId().orElseThrow();
        List<Action> ordered = new ArrayList<>();
        ordered.add(commitInfo);
        actions.stream().filter(action -> !(action instanceof CommitInfo)).forEach(ordered::add);

        String name = tableRoot + commitFileName(version);
        if (store.createIfAbsent(name, format.write(ordered)) == CreateOutcome.CREATED) {
            return new CommitResult(CommitResult.Outcome.COMMITTED, version);
        }
        // The store may have retried our own write; the commit id tells whose file it is.
        Optional<Boolean> owner;
        try {
            owner = isCommittedBy(version, commitId);
        } catch (BlobStoreException e) {
            throw new BlobStoreException(BlobStoreException.Kind.UNKNOWN_OUTCOME, name, "the store answered that " + name
                    + " exists, but reading it back to see whose commit it is failed: " + e.getMessage(), e);
        }
        boolean ours = owner.orElseThrow(() -> DeltaLogException.corrupt(
                "the store answered that " + name + " exists, but it cannot be found when read back"));
        return new CommitResult(ours ? CommitResult.Outcome.COMMITTED : CommitResult.Outcome.CONFLICT, version);
    }

    /**
     * Whether the commit file of {@code version} carries the commit id {@code commitId} (it is that
     * commit), or empty if there is no such file (yet). This is how the outcome of a write that the
     * store could not confirm is settled.
     *
     * @throws dev.pondhouse.server.lake.blob.BlobStoreException if the store fails (other than not found)
     */
    Optional<Boolean> isCommittedBy(long version, String commitId) {
        requireNonNull(commitId, "commitId is null");
        String name = tableRoot + commitFileName(version);
        byte[] content;
        try {
            content = store.read(name);
        } catch (BlobStoreException e) {
            if (e.blobKind() == BlobStoreException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(format.parse(content, name).stream()
                .anyMatch(action -> action instanceof CommitInfo stored && stored.commitId().equals(Optional.of(commitId))));
    }

    private LogListing listLog() {
        String logPrefix = tableRoot + LOG_FOLDER;
        List<Long> commits = new ArrayList<>();
        List<Long> classicCheckpoints = new ArrayList<>();
        List<String> otherCheckpoints = new ArrayList<>();
        for (BlobEntry entry : store.list(logPrefix)) {
            String fileName = entry.name().substring(logPrefix.length());
            Matcher commit = COMMIT_FILE.matcher(fileName);
            Matcher classicCheckpoint = CLASSIC_CHECKPOINT_FILE.matcher(fileName);
            if (commit.matches()) {
                commits.add(Long.parseLong(commit.group(1)));
            } else if (classicCheckpoint.matches()) {
                classicCheckpoints.add(Long.parseLong(classicCheckpoint.group(1)));
            } else if (OTHER_CHECKPOINT_FILE.matcher(fileName).matches()) {
                otherCheckpoints.add(fileName);
            }
            // Anything else (.crc files, _last_checkpoint, sub-folders) does not define the table.
        }
        commits.sort(Long::compare);
        return new LogListing(commits, classicCheckpoints, otherCheckpoints);
    }

    private DeltaLogException unsupportedCheckpoints(LogListing listing) {
        return DeltaLogException.unsupported("Delta log of " + tableRoot + " has checkpoints of a kind not supported yet"
                + " (multi-part or V2): " + String.join(", ", listing.otherCheckpointFiles()));
    }

    /** The actions of the commit file of {@code version}, in file order. */
    List<Action> readCommit(long version) {
        String name = tableRoot + commitFileName(version);
        return format.parse(store.read(name), name);
    }

    private static CommitInfo validateCommit(long version, List<Action> actions) {
        List<CommitInfo> commitInfos = ofType(actions, CommitInfo.class);
        if (commitInfos.size() != 1 || commitInfos.get(0).commitId().isEmpty()) {
            throw new IllegalArgumentException("a commit needs exactly one commitInfo with a commit id, found "
                    + commitInfos.size());
        }
        List<Protocol> protocols = ofType(actions, Protocol.class);
        List<Metadata> metadata = ofType(actions, Metadata.class);
        if (protocols.size() > 1 || metadata.size() > 1) {
            throw new IllegalArgumentException("a commit has at most one protocol and one metaData action");
        }
        if (version == 0 && (protocols.isEmpty() || metadata.isEmpty())) {
            throw new IllegalArgumentException("the first commit (version 0) needs a protocol and a metaData action");
        }
        for (Protocol protocol : protocols) {
            if (protocol.minReaderVersion() != 1 || protocol.minWriterVersion() > 2
                    || protocol.readerFeatures().isPresent() || protocol.writerFeatures().isPresent()) {
                throw new IllegalArgumentException("only protocol reader 1 / writer 2 without features can be written: "
                        + protocol);
            }
        }
        Set<String> paths = new HashSet<>();
        for (Action action : actions) {
            filePath(action).filter(path -> !paths.add(path)).ifPresent(path -> {
                throw new IllegalArgumentException("a commit names the file " + path + " more than once");
            });
        }
        return commitInfos.get(0);
    }

    private static Optional<String> filePath(Action action) {
        if (action instanceof AddFile add) {
            return Optional.of(add.path());
        }
        if (action instanceof RemoveFile remove) {
            return Optional.of(remove.path());
        }
        return Optional.empty();
    }

    /** What the log folder holds: commit versions (ascending), classic checkpoint versions, other checkpoint files. */
    private record LogListing(List<Long> commitVersions, List<Long> classicCheckpointVersions, List<String> otherCheckpointFiles) {
        Optional<Long> newestClassicCheckpoint(long atOrBefore) {
            return classicCheckpointVersions.stream().filter(version -> version <= atOrBefore).max(Long::compare);
        }
    }

    private static <T extends Action> List<T> ofType(List<Action> actions, Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
