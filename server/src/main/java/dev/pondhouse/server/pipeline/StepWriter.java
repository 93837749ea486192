package dev.pondhouse.server.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.delta.DeltaTableWriter;
import dev.pondhouse.server.lake.delta.Snapshot;
import dev.pondhouse.server.lake.delta.TableData;
import dev.pondhouse.server.lake.delta.WriteRequest;
import dev.pondhouse.server.lake.delta.WriteResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Writes one step's rows to its table in the step's mode, as one commit carrying the step's Delta
 * application transaction ({@code txn}: app id {@code pondhouse-pipeline/<pipeline>/<step>}, version
 * the run number), so a re-run of the same run number finds it applied and writes nothing.
 *
 * <p>A table that does not exist yet is created by the step, whatever its mode, with the step's
 * {@code partition-by}. For an existing table, {@code partition-by} must match the table's partition
 * columns, except in an overwrite, which sets them (an overwrite without {@code partition-by} keeps
 * them).
 */
final class StepWriter {
    private final DeltaLake lake;

    StepWriter(DeltaLake lake) {
        this.lake = requireNonNull(lake, "lake is null");
    }

    /** The application id of a step's transactions. */
    static String appId(String pipeline, String step) {
        return "pondhouse-pipeline/" + pipeline + "/" + step;
    }

    /**
     * Writes {@code step} of {@code pipeline} for run {@code runNumber} on {@code connection}, whose
     * default catalog is the step's ({@link StepCatalog}); {@code reads} are the step's reads of the
     * lake, which a merge reads the table's files through.
     */
    WriteResult write(Connection connection, String pipeline, PipelineStep step, long runNumber, DeltaLake.Reads reads)
            throws SQLException {
        String appId = appId(pipeline, step.name());
        DeltaTableWriter writer = lake.writer(step.table());
        Optional<Snapshot> current = lake.latest(step.table());
        if (current.isPresent()) {
            Optional<Long> recorded = current.get().transactionVersion(appId);
            if (recorded.isPresent() && recorded.get() >= runNumber) {
                return new WriteResult(WriteResult.Outcome.ALREADY_APPLIED, current.get().version(), 0, 0, 0);
            }
        }
        TableData data = TableData.query(step.sql());
        if (current.isEmpty()) {
            return writer.write(connection, WriteRequest.overwrite(data, step.partitionBy()).withTransaction(appId, runNumber));
        }
        List<String> tablePartitioning = current.get().metadata().partitionColumns();
        if (step.mode() != WriteMode.OVERWRITE && !step.partitionBy().isEmpty()
                && !step.partitionBy().equals(tablePartitioning)) {
            throw PondhouseException.userError("step " + step.name() + " says partition-by " + step.partitionBy() + " but "
                    + step.table() + " is partitioned by " + tablePartitioning + "; only an overwrite changes a table's"
                    + " partitioning");
        }
        WriteRequest request = switch (step.mode()) {
            case OVERWRITE -> step.partitionBy().isEmpty() ? WriteRequest.overwrite(data)
                    : WriteRequest.overwrite(data, step.partitionBy());
            case APPEND -> WriteRequest.append(data);
            case REPLACE_PARTITIONS -> WriteRequest.replacePartitions(data);
            case MERGE -> null;
        };
        if (request != null) {
            return writer.write(connection, request.withTransaction(appId, runNumber));
        }
        try (MergeWrite merge = MergeWrite.stage(connection, step.sql())) {
            MergeWrite.Plan plan = merge.plan(reads, step.table(), current.get(), step.keys());
            return writer.write(connection, plan.request().withTransaction(appId, runNumber));
        }
    }
}
