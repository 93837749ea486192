package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Folds commits, in version order, into the state of a table: the latest protocol and metadata, the
 * active files reconciled by path (the latest add or remove of a path wins), the removed files
 * (tombstones, which checkpoints keep for vacuum and readers of older versions), and the latest
 * version of each application transaction. Not thread-safe; one instance per replay.
 */
final class LogReplay {
    private final String tableRoot;
    private Optional<Protocol> protocol = Optional.empty();
    private Optional<Metadata> metadata = Optional.empty();
    private final Map<String, AddFile> activeFiles = new TreeMap<>();
    private final Map<String, RemoveFile> tombstones = new TreeMap<>();
    private final Map<String, Long> transactionVersions = new HashMap<>();

    LogReplay(String tableRoot) {
        this.tableRoot = requireNonNull(tableRoot, "tableRoot is null");
    }

    /** Applies the actions of one commit, in file order. */
    void apply(List<Action> actions) {
        for (Action action : actions) {
            if (action instanceof Protocol newProtocol) {
                protocol = Optional.of(newProtocol);
            } else if (action instanceof Metadata newMetadata) {
                metadata = Optional.of(newMetadata);
            } else if (action instanceof AddFile add) {
                activeFiles.put(add.path(), add);
                tombstones.remove(add.path());
            } else if (action instanceof RemoveFile remove) {
                activeFiles.remove(remove.path());
                tombstones.put(remove.path(), remove);
            } else if (action instanceof Transaction transaction) {
                transactionVersions.put(transaction.appId(), transaction.version());
            }
            // commitInfo is provenance only and does not change the table's state.
        }
    }

    /**
     * The table's state after the commits applied so far, the last of them being {@code version}.
     *
     * @throws DeltaLogException if the log never set a protocol or metadata, or the protocol needs
     *     reader support this server lacks
     */
    Snapshot snapshot(long version) {
        Protocol finalProtocol = protocol.orElseThrow(() -> DeltaLogException.corrupt(
                "Delta table " + tableRoot + " has no protocol action up to version " + version));
        Metadata finalMetadata = metadata.orElseThrow(() -> DeltaLogException.corrupt(
                "Delta table " + tableRoot + " has no metaData action up to version " + version));
        requireReadable(finalProtocol);
        return new Snapshot(version, finalMetadata, finalProtocol, List.copyOf(activeFiles.values()),
                List.copyOf(tombstones.values()), transactionVersions);
    }

    private void requireReadable(Protocol tableProtocol) {
        List<String> features = tableProtocol.readerFeatures().orElse(List.of());
        if (!features.isEmpty()) {
            throw DeltaLogException.unsupported("Delta table " + tableRoot + " needs reader features that are not supported: "
                    + String.join(", ", features));
        }
        if (tableProtocol.minReaderVersion() > 1) {
            throw DeltaLogException.unsupported("Delta table " + tableRoot + " needs reader version "
                    + tableProtocol.minReaderVersion()
                    + (tableProtocol.minReaderVersion() == 2 ? " (column mapping)" : "")
                    + "; only reader version 1 is supported");
        }
    }
}
