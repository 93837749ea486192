package dev.pondhouse.server.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Limits for the users holding a role ({@code query.role-limits.<role>}); each limit left out
 * falls back to the server-wide one. A user with several such roles gets the first role's
 * limits in file order.
 */
public record RoleLimits(Optional<Duration> timeout, Optional<String> memoryPerQuery,
        Optional<Integer> maxConcurrentPerUser) {
    public RoleLimits {
        timeout = timeout == null ? Optional.empty() : timeout;
        memoryPerQuery = memoryPerQuery == null ? Optional.empty() : memoryPerQuery;
        maxConcurrentPerUser = maxConcurrentPerUser == null ? Optional.empty() : maxConcurrentPerUser;
        memoryPerQuery.ifPresent(size -> ByteSize.parse("query.role-limits.*.memory-per-query", size));
        if (maxConcurrentPerUser.isPresent() && maxConcurrentPerUser.get() < 1) {
            throw new IllegalArgumentException("query.role-limits.*.max-concurrent-per-user: "
                    + maxConcurrentPerUser.get() + " must be at least 1");
        }
        if (timeout.isPresent() && timeout.get().isNegative()) {
            throw new IllegalArgumentException("query.role-limits.*.timeout must not be negative");
        }
    }
}
