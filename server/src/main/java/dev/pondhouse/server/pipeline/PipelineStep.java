package dev.pondhouse.server.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.LakeTableName;
import java.util.List;
import java.util.Set;

/**
 * One step of a pipeline: a SQL query whose rows are written to one lake table.
 *
 * @param name unique within the pipeline
 * @param table the table it writes
 * @param mode what happens to the rows already there
 * @param partitionBy the partition columns a table this step creates (or overwrites) gets; empty for none
 * @param keys for {@link WriteMode#MERGE}, the key columns; otherwise empty
 * @param after the steps it runs after, named explicitly in the file
 * @param sql one query ({@code SELECT} or {@code WITH ... SELECT})
 * @param line the line of the step in the pipeline file
 * @param sqlLine the line of its {@code sql} key
 * @param reads the tables its query reads, as DuckDB's parser finds them (default schema applied);
 *     filled in when the pipeline is loaded
 * @param dependsOn the steps it runs after: those named in {@code after} and those writing a table
 *     it reads; filled in when the pipeline is loaded
 */
public record PipelineStep(String name, LakeTableName table, WriteMode mode, List<String> partitionBy, List<String> keys,
        List<String> after, String sql, int line, int sqlLine, Set<LakeTableName> reads, Set<String> dependsOn) {
    public PipelineStep {
        requireNonNull(name, "name is null");
        requireNonNull(table, "table is null");
        requireNonNull(mode, "mode is null");
        partitionBy = List.copyOf(partitionBy);
        keys = List.copyOf(keys);
        after = List.copyOf(after);
        requireNonNull(sql, "sql is null");
        reads = Set.copyOf(reads);
        dependsOn = Set.copyOf(dependsOn);
        if ((mode == WriteMode.MERGE) == keys.isEmpty()) {
            throw new IllegalArgumentException("merge needs keys, and only merge has them: " + name);
        }
    }

    /** This step with what loading found out about it. */
    PipelineStep withDependencies(Set<LakeTableName> tablesRead, Set<String> steps) {
        return new PipelineStep(name, table, mode, partitionBy, keys, after, sql, line, sqlLine, tablesRead, steps);
    }
}
