package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.pipeline.PipelineDefinition;
import dev.pondhouse.server.pipeline.PipelineDirectory;
import dev.pondhouse.server.pipeline.PipelineResult;
import dev.pondhouse.server.pipeline.PipelineRunner;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code pipeline}: runs the pipeline named by the parameter {@code name} (a file in
 * {@code pipelines.directory}) once, like {@code ./pondhouse pipeline run}. The run number, which
 * makes re-runs idempotent, is the parameter {@code run-id} or else the current time in
 * milliseconds. The job holds every table the pipeline writes. A failed step fails the job with the
 * step and the reason; the steps before it stay committed.
 */
public final class PipelineJob implements Job {
    public static final String NAME = "pipeline";

    private final PipelineDefinition pipeline;
    private final long runNumber;
    private final PipelineRunner runner;

    private PipelineJob(PipelineDefinition pipeline, long runNumber, PipelineRunner runner) {
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
        this.runNumber = runNumber;
        this.runner = requireNonNull(runner, "runner is null");
    }

    public static JobDefinition definition(PipelineDirectory pipelines, PipelineRunner runner, Clock clock) {
        requireNonNull(pipelines, "pipelines is null");
        requireNonNull(runner, "runner is null");
        requireNonNull(clock, "clock is null");
        return new JobDefinition(NAME, "Runs a pipeline: parameters name (required) and run-id (optional, increasing).",
                JobDefinition.TableArgument.NONE, request -> {
                    JobParameters parameters = request.parameters().requireOnly("name", "run-id");
                    String name = parameters.requiredString("name");
                    long runNumber = parameters.integer("run-id").orElse(clock.millis());
                    if (runNumber < 0) {
                        throw parameters.invalid("run-id", "must not be negative");
                    }
                    try {
                        return new PipelineJob(pipelines.load(name), runNumber, runner);
                    } catch (IOException | SQLException e) {
                        throw PondhouseException.userError("pipeline " + name + " cannot be loaded: " + e.getMessage());
                    }
                });
    }

    @Override
    public String type() {
        return NAME;
    }

    @Override
    public List<LakeTableName> tables() {
        return pipeline.targetTables();
    }

    @Override
    public Map<String, Object> run(JobContext context) {
        PipelineResult result = runner.run(pipeline, runNumber, context::cancelRequested, context::progress);
        context.checkCancelled();
        if (result.status() == PipelineResult.Status.FAILED && result.failure().isPresent()) {
            PipelineResult.StepFailure failure = result.failure().get();
            throw new PondhouseException(failure.kind(), "pipeline " + pipeline.name() + " run " + runNumber + ": step "
                    + failure.step() + " failed: " + failure.reason());
        }
        return result.summary();
    }
}
