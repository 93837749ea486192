package dev.pondhouse.server.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Limits for each query. */
public record QuerySection(Integer batchRows, String batchTargetSize, Integer maxConcurrent, Duration queueTimeout,
        Duration timeout, String memoryPerQuery, Duration unclaimedResultTimeout, Map<String, RoleLimits> roleLimits) {
    public QuerySection {
        roleLimits = roleLimits == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(roleLimits));
        batchRows = batchRows == null ? 65_536 : batchRows;
        batchTargetSize = batchTargetSize == null ? "8MB" : batchTargetSize;
        if (ByteSize.parse("query.batch-target-size", batchTargetSize) < 1) {
            throw new IllegalArgumentException("query.batch-target-size: " + batchTargetSize + " must be positive");
        }
        maxConcurrent = maxConcurrent == null ? Math.max(2, Runtime.getRuntime().availableProcessors() * 2) : maxConcurrent;
        queueTimeout = queueTimeout == null ? Duration.ofSeconds(60) : queueTimeout;
        timeout = timeout == null ? Duration.ofMinutes(30) : timeout;
        memoryPerQuery = memoryPerQuery == null ? "1GB" : memoryPerQuery;
        unclaimedResultTimeout = unclaimedResultTimeout == null ? Duration.ofSeconds(60) : unclaimedResultTimeout;
        if (batchRows < 1) {
            throw new IllegalArgumentException("query.batch-rows: " + batchRows + " must be at least 1");
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("query.max-concurrent: " + maxConcurrent + " must be at least 1");
        }
        ByteSize.parse("query.memory-per-query", memoryPerQuery);
    }

    static QuerySection defaults() {
        return new QuerySection(null, null, null, null, null, null, null, null);
    }

    public long batchTargetBytes() {
        return ByteSize.parse("query.batch-target-size", batchTargetSize);
    }

    public long memoryPerQueryBytes() {
        return ByteSize.parse("query.memory-per-query", memoryPerQuery);
    }
}
