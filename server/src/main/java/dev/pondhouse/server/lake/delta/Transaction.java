package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The {@code txn} action: the latest version an application (a streaming job, a pipeline) has
 * committed, so it can make its writes idempotent.
 *
 * @param appId the application's unique id
 * @param version the application-defined version it has committed
 * @param lastUpdated when, in milliseconds since the epoch, if recorded
 */
public record Transaction(String appId, long version, Optional<Long> lastUpdated) implements Action {
    public Transaction {
        requireNonNull(appId, "appId is null");
        requireNonNull(lastUpdated, "lastUpdated is null");
        if (appId.isEmpty()) {
            throw new IllegalArgumentException("txn appId is empty");
        }
    }
}
