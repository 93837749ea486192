package dev.pondhouse.server.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.LakeTableName;
import java.util.List;
import java.util.Optional;

/**
 * A pipeline as loaded from its file: valid, with its steps in the order they run (every step after
 * the steps it depends on; otherwise file order).
 *
 * @param name the pipeline's name (its file name without {@code .yaml})
 * @param description what it is for, if written
 * @param defaultSchema the schema of table names written without one in step SQL, if set
 * @param sources the external sources its steps read
 * @param steps the steps in run order
 * @param file the file it was read from, for messages
 */
public record PipelineDefinition(String name, Optional<String> description, Optional<String> defaultSchema,
        List<ExternalSource> sources, List<PipelineStep> steps, String file) {
    public PipelineDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(defaultSchema, "defaultSchema is null");
        sources = List.copyOf(sources);
        steps = List.copyOf(steps);
        requireNonNull(file, "file is null");
    }

    /** The tables its steps write, in run order: what a job runner locks. */
    public List<LakeTableName> targetTables() {
        return steps.stream().map(PipelineStep::table).toList();
    }

    /** The step called {@code name}. */
    public Optional<PipelineStep> step(String stepName) {
        return steps.stream().filter(step -> step.name().equals(stepName)).findFirst();
    }
}
