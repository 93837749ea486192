package dev.pondhouse.server.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.lake.LakeTableName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one run of a pipeline did: per step, whether it committed (and as which table version), was
 * already applied by an earlier attempt of the same run, failed, or did not run.
 *
 * @param pipeline the pipeline's name
 * @param runNumber the run number, the version of every step's Delta application transaction
 * @param status how the run ended
 * @param steps every step, in run order
 * @param failure the step that failed and why, when the run failed (or was cancelled mid-step)
 * @param duration how long the run took
 */
public record PipelineResult(String pipeline, long runNumber, Status status, List<StepResult> steps,
        Optional<StepFailure> failure, Duration duration) {
    /** How a run ended. */
    public enum Status {
        /** Every step committed or had been applied already. */
        SUCCEEDED,
        /** A step failed; the steps before it are committed, it and the later ones changed nothing. */
        FAILED,
        /** Stopped on request before, or during, a step; the steps before it are committed. */
        CANCELLED
    }

    /** What happened to one step. */
    public enum StepOutcome {
        /** Its write is the table version {@link StepResult#version()}. */
        COMMITTED,
        /** This run's write was already in the table (a re-run of the same run number): nothing written. */
        ALREADY_APPLIED,
        /** It failed; its table is unchanged. */
        FAILED,
        /** An earlier step failed or the run was cancelled before it. */
        NOT_RUN
    }

    /**
     * @param step the step's name
     * @param table the table it writes
     * @param outcome what happened
     * @param version the table version it committed, or that already held this run's write
     * @param rowsWritten rows in the files it added (for a merge, the rewritten rows that stayed too)
     * @param filesAdded data files it added
     * @param duration how long it took
     */
    public record StepResult(String step, LakeTableName table, StepOutcome outcome, OptionalLong version, long rowsWritten,
            int filesAdded, Duration duration) {
        public StepResult {
            requireNonNull(step, "step is null");
            requireNonNull(table, "table is null");
            requireNonNull(outcome, "outcome is null");
            requireNonNull(version, "version is null");
            requireNonNull(duration, "duration is null");
        }
    }

    /**
     * @param step the step that failed
     * @param kind the category of the failure: a user error (bad SQL, bad data) or another kind
     * @param reason what went wrong, naming the table; DuckDB's message for bad SQL
     */
    public record StepFailure(String step, ErrorKind kind, String reason) {
        public StepFailure {
            requireNonNull(step, "step is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(reason, "reason is null");
        }
    }

    public PipelineResult {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(status, "status is null");
        steps = List.copyOf(steps);
        requireNonNull(failure, "failure is null");
        requireNonNull(duration, "duration is null");
        if (status == Status.FAILED && failure.isEmpty()) {
            throw new IllegalArgumentException("a failed run names its failure");
        }
    }

    public boolean succeeded() {
        return status == Status.SUCCEEDED;
    }

    /** The result as JSON-friendly values (strings, numbers, lists, maps), for job history and the admin API. */
    public Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("pipeline", pipeline);
        summary.put("runNumber", runNumber);
        summary.put("status", status.name());
        summary.put("durationMillis", duration.toMillis());
        List<Map<String, Object>> stepSummaries = new ArrayList<>();
        for (StepResult step : steps) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("step", step.step());
            entry.put("table", step.table().toString());
            entry.put("outcome", step.outcome().name());
            step.version().ifPresent(version -> entry.put("version", version));
            entry.put("rowsWritten", step.rowsWritten());
            entry.put("filesAdded", step.filesAdded());
            entry.put("durationMillis", step.duration().toMillis());
            stepSummaries.add(entry);
        }
        summary.put("steps", stepSummaries);
        failure.ifPresent(failed -> summary.put("failure", Map.of("step", failed.step(), "kind", failed.kind().name(),
                "reason", failed.reason())));
        return summary;
    }
}
