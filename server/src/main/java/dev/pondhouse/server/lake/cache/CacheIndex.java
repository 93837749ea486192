package dev.pondhouse.server.lake.cache;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link DiskCache} knows about its folder: the files on disk with what was recorded about
 * them ({@link FileCheck}), when each was last used, the fetches in flight, the pins per owner, the
 * bytes reserved for downloads under way, and the counters of {@link DiskCache.Statistics}. It
 * decides evictions (least recently used first, never a pinned file, one in flight or one within its
 * grace period) and deletes the evicted files with their sidecars.
 *
 * <p>Thread-safe: every field below is guarded by this object's monitor. The only I/O under it is a
 * {@code stat} on a hit and the deletion of evicted files.
 */
final class CacheIndex {
    private static final Logger log = LoggerFactory.getLogger(CacheIndex.class);

    private final Path directory;
    private final long maxBytes;
    private final Duration gracePeriod;
    private final Clock clock;

    // All guarded by this.
    private final Map<Path, Entry> entries = new HashMap<>();
    private final Map<Path, CompletableFuture<Path>> inFlight = new HashMap<>();
    private final Map<String, Set<Path>> pinsByOwner = new HashMap<>();
    private final Map<Path, Integer> pinCounts = new HashMap<>();
    private long totalBytes;
    private long reservedBytes;
    private long downloads;
    private long downloadedBytes;
    private long hits;
    private long evictions;
    private long damagedFiles;
    private boolean overBudgetReported;

    /** A cached file as the index knows it. Fields are guarded by the index's monitor. */
    private static final class Entry {
        FileCheck check;
        /** Whether the content was checked against the CRC-32C in this process. */
        boolean verified;
        Instant lastUsed;

        Entry(FileCheck check, boolean verified, Instant lastUsed) {
            this.check = check;
            this.verified = verified;
            this.lastUsed = lastUsed;
        }
    }

    /** What the index recorded about a file: its check, and whether its content was checked in this process. */
    record Recorded(FileCheck check, boolean verified) {}

    /**
     * @param directory the cache folder, for messages
     * @param maxBytes the size budget of the files in it
     * @param gracePeriod how long a file stays after its last use or unpinning before it may be evicted
     * @param clock the time source for use and grace times
     */
    CacheIndex(Path directory, long maxBytes, Duration gracePeriod, Clock clock) {
        this.directory = requireNonNull(directory, "directory is null");
        this.gracePeriod = requireNonNull(gracePeriod, "gracePeriod is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.maxBytes = maxBytes;
    }

    /** Indexes a file found on disk at start, not yet checked against its CRC-32C; it counts as used now. */
    synchronized void addReused(Path file, FileCheck check) {
        entries.put(file, new Entry(check, false, clock.instant()));
        totalBytes += check.size();
    }

    /**
     * Starts a fetch of {@code file} unless one is under way or the file is a hit (checked in this
     * process, of the expected size, and a {@code stat} agrees with the record).
     *
     * @param fetch the caller's future, registered as the fetch in flight when this returns empty
     * @return the fetch under way, or a completed future for a hit; empty when {@code fetch} was registered
     */
    synchronized Optional<CompletableFuture<Path>> startFetch(Path file, long expectedSize, CompletableFuture<Path> fetch) {
        CompletableFuture<Path> running = inFlight.get(file);
        if (running != null) {
            return Optional.of(running);
        }
        Entry entry = entries.get(file);
        if (entry != null && entry.verified && entry.check.size() == expectedSize && unchangedOnDisk(file, entry)) {
            entry.lastUsed = clock.instant();
            hits++;
            return Optional.of(CompletableFuture.completedFuture(file));
        }
        inFlight.put(file, fetch);
        return Optional.empty();
    }

    /**
     * Registers {@code put} as the fetch in flight of {@code file}, so a fetch of the same file meanwhile
     * waits for it; false (nothing registered) when the file is indexed or being fetched already.
     */
    synchronized boolean startPut(Path file, CompletableFuture<Path> put) {
        if (entries.containsKey(file) || inFlight.containsKey(file)) {
            return false;
        }
        inFlight.put(file, put);
        return true;
    }

    /** Ends the fetch in flight of {@code file}. */
    synchronized void finish(Path file) {
        inFlight.remove(file);
    }

    /** The fetches in flight now. */
    synchronized List<CompletableFuture<Path>> unfinished() {
        return new ArrayList<>(inFlight.values());
    }

    /** What the index recorded about {@code file}, if it knows it. */
    synchronized Optional<Recorded> recorded(Path file) {
        Entry entry = entries.get(file);
        return entry == null ? Optional.empty() : Optional.of(new Recorded(entry.check, entry.verified));
    }

    /** The file's content was found intact: records {@code current} and counts a hit. */
    synchronized void verified(Path file, FileCheck current) {
        Entry entry = entries.get(file);
        entry.check = current;
        entry.verified = true;
        entry.lastUsed = clock.instant();
        hits++;
    }

    /** Counts a damaged file found. */
    synchronized void damaged() {
        damagedFiles++;
    }

    /** Removes {@code file} from the index (not from disk). */
    synchronized void remove(Path file) {
        Entry entry = entries.remove(file);
        if (entry != null) {
            totalBytes -= entry.check.size();
        }
    }

    /** Evicts until {@code bytes} more fit in the budget (or nothing more may go), then reserves them. */
    synchronized void reserve(long bytes) {
        makeRoom(bytes);
        reservedBytes += bytes;
    }

    /** Gives back bytes {@link #reserve}d. */
    synchronized void release(long bytes) {
        reservedBytes -= bytes;
    }

    /** Indexes a file just moved into place, checked; {@code download} says whether it counts as a download. */
    synchronized void installed(Path file, FileCheck check, boolean download) {
        entries.put(file, new Entry(check, true, clock.instant()));
        totalBytes += check.size();
        if (download) {
            downloads++;
            downloadedBytes += check.size();
        }
    }

    /**
     * Sets the files {@code owner} needs: they are not evicted while pinned. Files the owner pinned
     * before and no longer names start their grace period now.
     */
    synchronized void pin(String owner, Set<Path> files) {
        Set<Path> previous = pinsByOwner.getOrDefault(owner, Set.of());
        for (Path file : files) {
            if (!previous.contains(file)) {
                pinCounts.merge(file, 1, Integer::sum);
            }
        }
        Instant now = clock.instant();
        for (Path file : previous) {
            if (!files.contains(file) && pinCounts.merge(file, -1, Integer::sum) == 0) {
                pinCounts.remove(file);
                Entry entry = entries.get(file);
                if (entry != null) {
                    entry.lastUsed = now;
                }
            }
        }
        if (files.isEmpty()) {
            pinsByOwner.remove(owner);
        } else {
            pinsByOwner.put(owner, Set.copyOf(files));
        }
    }

    /** Deletes least recently used, unpinned files past their grace period while over the budget. */
    synchronized void evict() {
        makeRoom(0);
    }

    synchronized DiskCache.Statistics statistics() {
        return new DiskCache.Statistics(entries.size(), totalBytes, downloads, downloadedBytes, hits, evictions,
                damagedFiles);
    }

    /** Guarded by this. Evicts until {@code incoming} more bytes fit in the budget, or nothing more may go. */
    private void makeRoom(long incoming) {
        Instant graceStart = clock.instant().minus(gracePeriod);
        while (totalBytes + reservedBytes + incoming > maxBytes) {
            Optional<Map.Entry<Path, Entry>> victim = entries.entrySet().stream()
                    .filter(candidate -> !pinCounts.containsKey(candidate.getKey()))
                    .filter(candidate -> !inFlight.containsKey(candidate.getKey()))
                    .filter(candidate -> !candidate.getValue().lastUsed.isAfter(graceStart))
                    .min(Map.Entry.comparingByValue((left, right) -> left.lastUsed.compareTo(right.lastUsed)));
            if (victim.isEmpty()) {
                if (!overBudgetReported) {
                    overBudgetReported = true;
                    log.warn("cache {}: {} bytes needed but the budget is {}; the files over it are pinned by served"
                            + " snapshots or within their grace period, so they stay", directory,
                            totalBytes + reservedBytes + incoming, maxBytes);
                }
                return;
            }
            Path file = victim.get().getKey();
            entries.remove(file);
            totalBytes -= victim.get().getValue().check.size();
            evictions++;
            try {
                FileCheck.deleteWithSidecar(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot evict " + file + " from the cache", e);
            }
        }
        overBudgetReported = false;
    }

    /** Guarded by this. Whether a {@code stat} of the file agrees with the index. */
    private static boolean unchangedOnDisk(Path file, Entry entry) {
        try {
            return FileCheck.attributes(file).map(entry.check::matches).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }
}
