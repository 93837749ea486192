package dev.pondhouse.server.cli;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.ConfiguredLake;
import dev.pondhouse.server.FileTrees;
import dev.pondhouse.server.config.ServerConfig;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.pipeline.SourceContainers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The lake a command-line job ({@code pipeline run}, {@code ingest-folder}) writes, local or in
 * Azure. When it needs a cache (the lake is in Azure, or pipeline sources may read Azure containers)
 * it gets a {@link DiskCache} of its own in a fresh folder {@code cli-cache-*} under the job work
 * directory, deleted at {@link #close()}: a {@code DiskCache} folder belongs to one process (its
 * start deletes unfinished downloads and files it does not know, and it evicts what it indexed), so
 * the command never shares the cache folder of a server that may be running on the same machine.
 *
 * <p>A command that reads back what it writes ({@code pipeline run}: a step may read the table an
 * earlier step wrote, a merge reads its target) keeps the files it commits in that cache, so a later
 * step does not download them again ({@link #open}). A command that only writes ({@code ingest-folder})
 * does not copy them there ({@link #openWriteOnly}): the cache is deleted at exit, so the copy would
 * be wasted.
 */
final class CommandLake implements AutoCloseable {
    private final DeltaLake lake;
    private final Optional<SourceContainers> containers;
    private final Optional<DiskCache> cache;

    private CommandLake(DeltaLake lake, Optional<SourceContainers> containers, Optional<DiskCache> cache) {
        this.lake = requireNonNull(lake, "lake is null");
        this.containers = requireNonNull(containers, "containers is null");
        this.cache = requireNonNull(cache, "cache is null");
    }

    /**
     * Opens the configured lake, with a cache of its own if it needs one, working in {@code workDirectory};
     * its writers keep the files they commit in the cache, for later reads by the same command.
     */
    static CommandLake open(ServerConfig config, Path workDirectory) throws IOException {
        return open(config, workDirectory, true);
    }

    /**
     * As {@link #open}, for a command that never reads back the tables it writes: its writers do not
     * copy the files they commit into the command's cache.
     */
    static CommandLake openWriteOnly(ServerConfig config, Path workDirectory) throws IOException {
        return open(config, workDirectory, false);
    }

    private static CommandLake open(ServerConfig config, Path workDirectory, boolean readsBack) throws IOException {
        Optional<DiskCache> cache = Optional.empty();
        if (ConfiguredLake.needsCache(config.lake())) {
            Files.createDirectories(workDirectory);
            DiskCache own = new DiskCache(Files.createTempDirectory(workDirectory, "cli-cache-"),
                    config.cache().maxSizeBytes(), config.cache().downloadThreads(), Duration.ZERO, Clock.systemUTC());
            own.start();
            cache = Optional.of(own);
        }
        try {
            BlobStore store = ConfiguredLake.store(config.lake());
            DeltaLake lake = ConfiguredLake.deltaLake(config.lake(), store, cache, workDirectory);
            return new CommandLake(readsBack ? lake : lake.withoutCachingCommittedFiles(),
                    ConfiguredLake.sourceContainers(config.lake(), cache), cache);
        } catch (IOException | RuntimeException e) {
            cache.ifPresent(present -> closeCache(present, e));
            throw e;
        }
    }

    DeltaLake lake() {
        return lake;
    }

    /** The command's own cache, if it needs one. */
    Optional<DiskCache> cache() {
        return cache;
    }

    /** The Azure containers pipeline sources may read; empty without Azure configuration. */
    Optional<SourceContainers> containers() {
        return containers;
    }

    /** Stops the cache and deletes its folder. */
    @Override
    public void close() throws IOException {
        if (cache.isPresent()) {
            cache.get().close();
            FileTrees.deleteRecursively(cache.get().directory());
        }
    }

    private static void closeCache(DiskCache cache, Exception failure) {
        try {
            cache.close();
            FileTrees.deleteRecursively(cache.directory());
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

}
