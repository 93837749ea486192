package dev.pondhouse.server.query;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.config.ByteSize;
import dev.pondhouse.server.config.QuerySection;
import dev.pondhouse.server.config.RoleLimits;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The limits that apply to one user's statements: those of the first role in
 * {@code query.role-limits} the user holds, each missing limit taken from the server-wide one.
 *
 * @param timeout how long a statement may run ({@link Duration#ZERO}: no limit)
 * @param memoryPerQuery the Arrow memory one result may hold, as configured (e.g. {@code 1GB})
 * @param maxConcurrentPerUser statements the user may run at once, if limited
 * @param source where the limits come from, for messages: {@code query} or {@code query.role-limits.<role>}
 */
record UserLimits(Duration timeout, String memoryPerQuery, Optional<Integer> maxConcurrentPerUser, String source) {
    UserLimits {
        requireNonNull(timeout, "timeout is null");
        requireNonNull(memoryPerQuery, "memoryPerQuery is null");
        requireNonNull(maxConcurrentPerUser, "maxConcurrentPerUser is null");
        requireNonNull(source, "source is null");
    }

    static UserLimits of(QuerySection query, Optional<Set<String>> roles) {
        for (Map.Entry<String, RoleLimits> role : query.roleLimits().entrySet()) {
            if (roles.isPresent() && roles.get().contains(role.getKey())) {
                RoleLimits limits = role.getValue();
                return new UserLimits(limits.timeout().orElse(query.timeout()),
                        limits.memoryPerQuery().orElse(query.memoryPerQuery()), limits.maxConcurrentPerUser(),
                        "query.role-limits." + role.getKey());
            }
        }
        return new UserLimits(query.timeout(), query.memoryPerQuery(), Optional.empty(), "query");
    }

    long memoryPerQueryBytes() {
        return ByteSize.parse(source + ".memory-per-query", memoryPerQuery);
    }
}
