package dev.pondhouse.server.pipeline;

import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.pipeline.PipelineFileException.Problem;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Puts a pipeline's steps in run order. A step runs after every step named in its {@code after}, and
 * after every step that writes a table its query reads (found by {@link TableReferences}; an
 * unqualified name is in the pipeline's default schema, if it has one). Among steps free to run, file
 * order decides. A cycle is an error naming its steps.
 */
final class StepOrder {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private StepOrder() {}

    static PipelineDefinition resolve(PipelineDefinition definition, Connection duckdb) throws SQLException {
        List<Problem> problems = new ArrayList<>();
        Map<LakeTableName, String> writers = new HashMap<>();
        for (PipelineStep step : definition.steps()) {
            writers.put(lowerCase(step.table()), step.name());
        }
        Map<String, PipelineStep> resolved = new LinkedHashMap<>();
        for (PipelineStep step : definition.steps()) {
            Set<LakeTableName> reads = new LinkedHashSet<>();
            try {
                for (TableReferences.Reference reference : TableReferences.of(duckdb, step.sql())) {
                    if (reference.catalog().isPresent()) {
                        continue;
                    }
                    String schema = reference.schema().or(definition::defaultSchema).orElse(null);
                    if (schema != null && IDENTIFIER.matcher(schema).matches()
                            && IDENTIFIER.matcher(reference.table()).matches()) {
                        reads.add(new LakeTableName(schema, reference.table()));
                    }
                }
            } catch (TableReferences.NotAQueryException e) {
                problems.add(new Problem(step.sqlLine(), "step '" + step.name() + "': the sql is not a query DuckDB accepts: "
                        + e.getMessage()));
            }
            Set<String> dependsOn = new LinkedHashSet<>(step.after());
            for (LakeTableName table : reads) {
                String writer = writers.get(lowerCase(table));
                if (writer != null && !writer.equals(step.name())) {
                    dependsOn.add(writer);
                }
            }
            resolved.put(step.name(), step.withDependencies(reads, dependsOn));
        }
        if (!problems.isEmpty()) {
            throw new PipelineFileException(definition.file(), problems);
        }
        List<PipelineStep> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        while (ordered.size() < resolved.size()) {
            PipelineStep next = resolved.values().stream()
                    .filter(step -> !done.contains(step.name()) && done.containsAll(step.dependsOn()))
                    .findFirst()
                    .orElse(null);
            if (next == null) {
                List<PipelineStep> stuck = resolved.values().stream().filter(step -> !done.contains(step.name())).toList();
                throw new PipelineFileException(definition.file(), stuck.get(0).line(), "the steps "
                        + stuck.stream().map(step -> step.name() + " (after " + String.join(", ", step.dependsOn()) + ")")
                                .toList()
                        + " depend on each other in a cycle (by reading the tables the others write, or by 'after');"
                        + " break the cycle");
            }
            ordered.add(next);
            done.add(next.name());
        }
        return new PipelineDefinition(definition.name(), definition.description(), definition.defaultSchema(),
                definition.sources(), ordered, definition.file());
    }

    private static LakeTableName lowerCase(LakeTableName table) {
        return new LakeTableName(table.schema().toLowerCase(Locale.ROOT), table.table().toLowerCase(Locale.ROOT));
    }
}
