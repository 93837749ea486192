package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.LakeTableName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One job as it is at one moment: what it is, where it is, and how it ended. Immutable; the runner
 * makes a new one at every change.
 *
 * @param id the job's id
 * @param job the job's name ({@code refresh}, {@code compact}, ...)
 * @param tables the tables it writes
 * @param params the parameters it was asked with
 * @param requestedBy the user, or {@code scheduler}
 * @param state where it is
 * @param submitted when it was accepted
 * @param started when a worker began it, once it did
 * @param ended when it reached a final state, once it did
 * @param progress its last progress report
 * @param cancelRequested whether someone asked it to stop
 * @param result what it did, once it succeeded: a small map of JSON values
 * @param error why it failed or was cancelled
 */
public record JobStatus(
        String id,
        String job,
        List<LakeTableName> tables,
        Map<String, Object> params,
        String requestedBy,
        JobState state,
        Instant submitted,
        Optional<Instant> started,
        Optional<Instant> ended,
        JobProgress progress,
        boolean cancelRequested,
        Map<String, Object> result,
        Optional<JobError> error) {
    public JobStatus {
        requireNonNull(id, "id is null");
        requireNonNull(job, "job is null");
        tables = List.copyOf(tables);
        params = Map.copyOf(params);
        requireNonNull(requestedBy, "requestedBy is null");
        requireNonNull(state, "state is null");
        requireNonNull(submitted, "submitted is null");
        requireNonNull(started, "started is null");
        requireNonNull(ended, "ended is null");
        requireNonNull(progress, "progress is null");
        result = Map.copyOf(result);
        requireNonNull(error, "error is null");
        if (state.finished() != ended.isPresent()) {
            throw new IllegalArgumentException("job " + id + " is " + state + " but its end time is "
                    + (ended.isPresent() ? "set" : "missing"));
        }
    }

    JobStatus with(JobState newState, Optional<Instant> newStarted, Optional<Instant> newEnded, JobProgress newProgress,
            boolean newCancelRequested, Map<String, Object> newResult, Optional<JobError> newError) {
        return new JobStatus(id, job, tables, params, requestedBy, newState, submitted, newStarted, newEnded, newProgress,
                newCancelRequested, newResult, newError);
    }

    /** The status as JSON values, as the admin API, Flight actions and the history file show it. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("job", job);
        json.put("tables", tables.stream().map(LakeTableName::toString).toList());
        json.put("params", params);
        json.put("requestedBy", requestedBy);
        json.put("state", state.name());
        json.put("submitted", submitted.toString());
        json.put("started", started.map(Instant::toString).orElse(null));
        json.put("ended", ended.map(Instant::toString).orElse(null));
        json.put("progress", Map.of("fraction", progress.fraction(), "message", progress.message()));
        json.put("cancelRequested", cancelRequested);
        json.put("result", result);
        json.put("error", error.map(value -> Map.of("code", value.code(), "message", value.message())).orElse(null));
        return json;
    }

    /**
     * Reads what {@link #toJson()} wrote (after a trip through a JSON parser).
     *
     * @throws IllegalArgumentException if a field is missing or of the wrong kind
     */
    @SuppressWarnings("unchecked")
    public static JobStatus fromJson(Map<String, Object> json) {
        try {
            List<LakeTableName> tables = new ArrayList<>();
            for (Object table : (List<Object>) json.get("tables")) {
                tables.add(LakeTableName.parse((String) table));
            }
            Map<String, Object> progress = (Map<String, Object>) json.get("progress");
            Map<String, Object> error = (Map<String, Object>) json.get("error");
            return new JobStatus(
                    (String) json.get("id"),
                    (String) json.get("job"),
                    tables,
                    (Map<String, Object>) json.get("params"),
                    (String) json.get("requestedBy"),
                    JobState.valueOf((String) json.get("state")),
                    Instant.parse((String) json.get("submitted")),
                    Optional.ofNullable((String) json.get("started")).map(Instant::parse),
                    Optional.ofNullable((String) json.get("ended")).map(Instant::parse),
                    new JobProgress(((Number) progress.get("fraction")).doubleValue(), (String) progress.get("message")),
                    Boolean.TRUE.equals(json.get("cancelRequested")),
                    (Map<String, Object>) json.get("result"),
                    error == null ? Optional.empty()
                            : Optional.of(new JobError((String) error.get("code"), (String) error.get("message"))));
        } catch (ClassCastException | NullPointerException | java.time.format.DateTimeParseException
                | dev.pondhouse.server.error.PondhouseException e) {
            throw new IllegalArgumentException("not a job status: " + e.getMessage(), e);
        }
    }
}
