package dev.pondhouse.server.config;

import java.nio.file.Path;
import java.time.Duration;

/** The disk cache of files copied from blob stores (the Azure lake and external sources). */
public record CacheSection(Path directory, String maxSize, Integer downloadThreads, Duration gracePeriod) {
    public CacheSection {
        directory = directory == null ? Path.of("pondhouse-cache") : directory;
        maxSize = maxSize == null ? "20GB" : maxSize;
        downloadThreads = downloadThreads == null ? 4 : downloadThreads;
        gracePeriod = gracePeriod == null ? Duration.ofMinutes(10) : gracePeriod;
        if (ByteSize.parse("cache.max-size", maxSize) < 1) {
            throw new IllegalArgumentException("cache.max-size: " + maxSize + " must be positive");
        }
        if (downloadThreads < 1 || downloadThreads > 64) {
            throw new IllegalArgumentException("cache.download-threads: " + downloadThreads + " must be from 1 to 64");
        }
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("cache.grace-period must not be negative");
        }
    }

    static CacheSection defaults() {
        return new CacheSection(null, null, null, null);
    }

    public long maxSizeBytes() {
        return ByteSize.parse("cache.max-size", maxSize);
    }
}
