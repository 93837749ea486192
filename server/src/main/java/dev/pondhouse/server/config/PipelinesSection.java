package dev.pondhouse.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Pipelines, and the DuckDB instance that jobs (pipelines and ingest) run on: not the query
 * engine, but a separate, unlocked one, the only one that writes files.
 *
 * @param directory the folder of pipeline definitions, one {@code <name>.yaml} each; none when empty
 * @param workDirectory where jobs stage Parquet files before they are committed, and where their
 *     DuckDB spills; default {@code <lake.root>/_pondhouse-work} for a local lake, and for a lake in
 *     Azure the folder {@code pondhouse-work} next to the cache folder (never inside it: the cache
 *     deletes files it does not know)
 * @param threads the job DuckDB's threads
 * @param memoryLimit the job DuckDB's memory limit
 */
public record PipelinesSection(Optional<Path> directory, Optional<Path> workDirectory, Integer threads,
        String memoryLimit) {
    public PipelinesSection {
        directory = directory == null ? Optional.empty() : directory;
        workDirectory = workDirectory == null ? Optional.empty() : workDirectory;
        threads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        memoryLimit = memoryLimit == null ? "50%" : memoryLimit;
        if (threads < 1) {
            throw new IllegalArgumentException("pipelines.threads: " + threads + " must be at least 1");
        }
    }

    static PipelinesSection defaults() {
        return new PipelinesSection(null, null, null, null);
    }

    /**
     * The work directory: the configured one; else {@code _pondhouse-work} in the lake folder of a
     * local lake, or {@code pondhouse-work} next to the cache folder when the lake is in Azure.
     */
    public Path workDirectoryFor(LakeSection lake, CacheSection cache) {
        if (workDirectory.isPresent()) {
            return workDirectory.get();
        }
        if (lake.inAzure()) {
            return cache.directory().toAbsolutePath().normalize().resolveSibling("pondhouse-work");
        }
        return lake.root().resolve("_pondhouse-work");
    }
}
