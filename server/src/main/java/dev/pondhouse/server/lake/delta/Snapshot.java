package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Delta table at one version: the state reached by replaying its log up to and including that
 * version.
 *
 * @param version the table version (the number of the last commit file replayed)
 * @param metadata the latest {@code metaData} action
 * @param protocol the latest {@code protocol} action
 * @param activeFiles the data files that make up the table at this version, sorted by path
 * @param tombstones the latest {@code remove} of each file removed up to this version and not added
 *     again, sorted by path (checkpoints keep the recent ones; vacuum deletes the files of old ones)
 * @param appTransactionVersions the latest {@code txn} version of each application id
 */
public record Snapshot(
        long version,
        Metadata metadata,
        Protocol protocol,
        List<AddFile> activeFiles,
        List<RemoveFile> tombstones,
        Map<String, Long> appTransactionVersions) {
    public Snapshot {
        if (version < 0) {
            throw new IllegalArgumentException("version is negative: " + version);
        }
        requireNonNull(metadata, "metadata is null");
        requireNonNull(protocol, "protocol is null");
        activeFiles = activeFiles.stream().sorted(Comparator.comparing(AddFile::path)).toList();
        for (int index = 1; index < activeFiles.size(); index++) {
            if (activeFiles.get(index).path().equals(activeFiles.get(index - 1).path())) {
                throw new IllegalArgumentException("file listed twice: " + activeFiles.get(index).path());
            }
        }
        tombstones = tombstones.stream().sorted(Comparator.comparing(RemoveFile::path)).toList();
        appTransactionVersions = Map.copyOf(appTransactionVersions);
    }

    /** The latest version the application {@code appId} committed, if it ever did. */
    public Optional<Long> transactionVersion(String appId) {
        return Optional.ofNullable(appTransactionVersions.get(requireNonNull(appId, "appId is null")));
    }
}
