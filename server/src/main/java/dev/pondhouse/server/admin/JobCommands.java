package dev.pondhouse.server.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pondhouse.security.AuthenticatedUser;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.jobs.JobDefinition;
import dev.pondhouse.server.jobs.JobRequest;
import dev.pondhouse.server.jobs.JobRunner;
import dev.pondhouse.server.jobs.JobStatus;
import dev.pondhouse.server.lake.LakeTableName;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The job operations of the admin API and of the Flight job actions, independent of the protocol:
 * each checks the user's permission first, then the request, then asks the runner.
 *
 * <p>Permissions: starting or cancelling a job needs {@link AdminAuthorization#mayRunJob} for that
 * job and table; listing jobs needs {@link AdminAuthorization#mayReadAdmin}; a job's status needs
 * either that or having requested the job. A user without permission gets PERMISSION_DENIED whether
 * or not the job or table exists.
 *
 * <p>Thread-safe.
 */
public final class JobCommands {
    /** The most jobs one listing returns. */
    public static final int MAX_LIST_LIMIT = 10_000;
    private static final Set<String> START_FIELDS = Set.of("job", "table", "params");
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};

    private final JobRunner runner;
    private final AdminAuthorization authorization;
    private final ObjectMapper json;

    public JobCommands(JobRunner runner, AdminAuthorization authorization, ObjectMapper json) {
        this.runner = requireNonNull(runner, "runner is null");
        this.authorization = requireNonNull(authorization, "authorization is null");
        this.json = requireNonNull(json, "json is null");
    }

    /**
     * Starts a job from a request body {@code {"job": "...", "table": "schema.table", "params": {...}}}
     * ({@code table} and {@code params} optional).
     */
    public JobStatus start(AuthenticatedUser user, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw PondhouseException.userError("the request body must be a JSON object like {\"job\": \"refresh\"}");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!START_FIELDS.contains(name)) {
                throw PondhouseException.userError("unknown field \"" + name + "\" (known fields: job, table, params)");
            }
        }
        JsonNode job = body.get("job");
        if (job == null || !job.isTextual() || job.asText().isBlank()) {
            throw PondhouseException.userError("field \"job\" is required: the name of the job to run, e.g. \"refresh\"");
        }
        JsonNode table = body.get("table");
        if (table != null && !table.isNull() && !table.isTextual()) {
            throw PondhouseException.userError("field \"table\" must be a string of the form \"schema.table\"");
        }
        Optional<String> tableText = table == null || table.isNull() ? Optional.empty() : Optional.of(table.asText());
        JsonNode params = body.get("params");
        if (params != null && !params.isNull() && !params.isObject()) {
            throw PondhouseException.userError("field \"params\" must be a JSON object of parameters");
        }
        if (!authorization.mayRunJob(user, job.asText(), tableText)) {
            throw denied("user " + user.name() + " may not run job " + job.asText() + tableText.map(name -> " on " + name).orElse(""));
        }
        Map<String, Object> parameters = params == null || params.isNull() ? Map.of() : json.convertValue(params, JSON_OBJECT);
        if (parameters.values().stream().anyMatch(java.util.Objects::isNull)) {
            throw PondhouseException.userError("parameters must not be null; leave a parameter out to use its default");
        }
        return runner.submit(new JobRequest(job.asText(), tableText.map(LakeTableName::parse), parameters, user.name()));
    }

    /** A job's status. */
    public JobStatus status(AuthenticatedUser user, String id) {
        Optional<JobStatus> status = runner.status(id);
        if (authorization.mayReadAdmin(user)) {
            return status.orElseGet(() -> runner.require(id));
        }
        if (status.isPresent() && status.get().requestedBy().equals(user.name())) {
            return status.get();
        }
        throw denied("user " + user.name() + " may not read the status of jobs they did not start");
    }

    /** Cancels a job; see {@link JobRunner#cancel}. */
    public JobStatus cancel(AuthenticatedUser user, String id) {
        Optional<JobStatus> status = runner.status(id);
        if (status.isEmpty()) {
            if (authorization.mayReadAdmin(user)) {
                return runner.require(id);
            }
            throw denied("user " + user.name() + " may not cancel this job");
        }
        Optional<String> table = status.get().tables().stream().findFirst().map(LakeTableName::toString);
        if (!authorization.mayRunJob(user, status.get().job(), table)) {
            throw denied("user " + user.name() + " may not cancel " + status.get().job() + " jobs");
        }
        return runner.cancel(id, user.name());
    }

    /** Jobs, newest first. */
    public List<JobStatus> list(AuthenticatedUser user, int limit) {
        requireReader(user);
        if (limit < 1 || limit > MAX_LIST_LIMIT) {
            throw PondhouseException.userError("limit must be between 1 and " + MAX_LIST_LIMIT + ": " + limit);
        }
        return runner.list(limit);
    }

    /** The kinds of job the server runs. */
    public List<JobDefinition> definitions(AuthenticatedUser user) {
        requireReader(user);
        return runner.registry().definitions();
    }

    /** Throws PERMISSION_DENIED unless the user may read the admin API. */
    public void requireReader(AuthenticatedUser user) {
        if (!authorization.mayReadAdmin(user)) {
            throw denied("user " + user.name() + " may not use the admin API");
        }
    }

    /** A job kind as JSON values. */
    public static Map<String, Object> toJson(JobDefinition definition) {
        return Map.of("name", definition.name(), "description", definition.description(),
                "table", definition.table().name().toLowerCase(java.util.Locale.ROOT));
    }

    private static PondhouseException denied(String message) {
        return new PondhouseException(ErrorKind.PERMISSION_DENIED, message);
    }
}
