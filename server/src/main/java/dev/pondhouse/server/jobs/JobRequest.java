package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.LakeTableName;
import java.util.Map;
import java.util.Optional;

/**
 * A request to run a job, from the admin API, a Flight action or a schedule.
 *
 * @param job the registered job name
 * @param table the target table, if the job takes one
 * @param params the job's parameters, JSON values by name; see {@link JobParameters}
 * @param requestedBy the user name, or {@code scheduler}
 */
public record JobRequest(String job, Optional<LakeTableName> table, Map<String, Object> params, String requestedBy) {
    public JobRequest {
        requireNonNull(job, "job is null");
        requireNonNull(table, "table is null");
        params = Map.copyOf(requireNonNull(params, "params is null"));
        requireNonNull(requestedBy, "requestedBy is null");
    }

    /** The parameters, with typed accessors whose errors name the job and the parameter. */
    public JobParameters parameters() {
        return new JobParameters(job, params);
    }
}
