package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code commitInfo} action: provenance of a commit, not used to compute the table's state.
 * Every field is optional because other writers put anything here. Pondhouse writes one in each
 * commit with a unique {@code commitId} (JSON field {@value #COMMIT_ID_FIELD}), so a writer can read
 * a commit back and tell whether it is its own.
 *
 * @param timestamp when the commit was made, in milliseconds since the epoch
 * @param operation what the commit did ({@code CREATE TABLE}, {@code WRITE}, ...)
 * @param operationParameters the operation's parameters, as strings (other writers' non-string
 *     values are kept as their JSON text)
 * @param commitId the unique id of a commit written by Pondhouse
 */
public record CommitInfo(
        Optional<Long> timestamp,
        Optional<String> operation,
        Map<String, String> operationParameters,
        Optional<String> commitId) implements Action {
    /** The JSON field holding {@link #commitId()}. */
    public static final String COMMIT_ID_FIELD = "pondhouse.commitId";

    public CommitInfo {
        requireNonNull(timestamp, "timestamp is null");
        requireNonNull(operation, "operation is null");
        operationParameters = Map.copyOf(operationParameters);
        requireNonNull(commitId, "commitId is null");
    }

    /** A commit info for a commit by this server, with a fresh random commit id. */
    public static CommitInfo of(long timestamp, String operation, Map<String, String> operationParameters) {
        return new CommitInfo(
                Optional.of(timestamp),
                Optional.of(operation),
                operationParameters,
                Optional.of(UUID.randomUUID().toString()));
    }
}
