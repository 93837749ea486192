package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.config.ByteSize;
import dev.pondhouse.server.config.ConfigLoader;
import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.CheckpointWriter;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DeltaTableWriter;
import dev.pondhouse.server.lake.maintenance.CompactionResult;
import dev.pondhouse.server.lake.maintenance.CompactionSettings;
import dev.pondhouse.server.lake.maintenance.LogMaintenance;
import dev.pondhouse.server.lake.maintenance.LogMaintenanceOptions;
import dev.pondhouse.server.lake.maintenance.LogMaintenanceResult;
import dev.pondhouse.server.lake.maintenance.TableCompactor;
import dev.pondhouse.server.lake.maintenance.TableVacuum;
import dev.pondhouse.server.lake.maintenance.VacuumOptions;
import dev.pondhouse.server.lake.maintenance.VacuumResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The table maintenance jobs, each on one Delta table of the lake (a local folder or an Azure container):
 *
 * <ul>
 *   <li>{@code compact}: bin-packs small files per partition into files near {@code target-size}
 *       (default 128MB), one rewrite commit per batch, rows kept in order;
 *   <li>{@code vacuum}: deletes data files no snapshot within {@code retention} (default 7d) needs,
 *       and orphans of failed writes older than it; {@code dry-run: true} only lists them;
 *       {@code force: true} allows a retention under one hour;
 *   <li>{@code checkpoint}: writes a checkpoint and deletes log files older than
 *       {@code log-retention} (default 30d) that no retained snapshot needs.
 * </ul>
 *
 * A compaction that commits refreshes the served views right away. On a lake in Azure, compaction
 * reads the small files from the server's disk cache (the copies serving and pipelines use, pinned
 * while a bin is rewritten), and its writer puts the new files into the cache.
 */
public final class TableMaintenanceJobs {
    private TableMaintenanceJobs() {}

    /** The three job definitions. */
    public static List<JobDefinition> definitions(DeltaLake lake, JobEngine engine, Consumer<LakeTableName> committed,
            Clock clock) {
        requireNonNull(lake, "lake is null");
        requireNonNull(engine, "engine is null");
        requireNonNull(committed, "committed is null");
        requireNonNull(clock, "clock is null");
        return List.of(
                new JobDefinition("compact", "Bin-packs small files into files near target-size (default 128MB).",
                        JobDefinition.TableArgument.EXISTING, request -> {
                            JobParameters parameters = request.parameters().requireOnly("target-size");
                            CompactionSettings settings = parameters.string("target-size")
                                    .map(size -> CompactionSettings.forTarget(size(parameters, "target-size", size)))
                                    .orElse(CompactionSettings.DEFAULT);
                            LakeTableName table = request.table().orElseThrow();
                            return Job.of("compact", List.of(table),
                                    context -> compact(lake, engine, table, settings, committed, context));
                        }),
                new JobDefinition("vacuum", "Deletes data files no snapshot within retention (default 7d) needs; "
                        + "dry-run lists them.", JobDefinition.TableArgument.EXISTING, request -> {
                            JobParameters parameters = request.parameters().requireOnly("retention", "dry-run", "force");
                            VacuumOptions options = new VacuumOptions(
                                    duration(parameters, "retention").orElse(TableVacuum.DEFAULT_RETENTION),
                                    parameters.bool("dry-run").orElse(false), parameters.bool("force").orElse(false));
                            LakeTableName table = request.table().orElseThrow();
                            return Job.of("vacuum", List.of(table), context -> vacuum(lake, table, options, clock, context));
                        }),
                new JobDefinition("checkpoint", "Writes a checkpoint and deletes log files older than log-retention "
                        + "(default 30d).", JobDefinition.TableArgument.EXISTING, request -> {
                            JobParameters parameters = request.parameters().requireOnly("log-retention", "force");
                            LogMaintenanceOptions options = new LogMaintenanceOptions(
                                    duration(parameters, "log-retention").orElse(LogMaintenanceOptions.DEFAULT_LOG_RETENTION),
                                    true, parameters.bool("force").orElse(false));
                            LakeTableName table = request.table().orElseThrow();
                            return Job.of("checkpoint", List.of(table),
                                    context -> checkpoint(lake, table, options, clock, context));
                        }));
    }

    private static long size(JobParameters parameters, String name, String text) {
        try {
            return ByteSize.parse(name, text);
        } catch (IllegalArgumentException e) {
            throw parameters.invalid(name, "is not a size such as 128MB: " + e.getMessage());
        }
    }

    private static Optional<Duration> duration(JobParameters parameters, String name) {
        return parameters.string(name).map(text -> {
            try {
                return ConfigLoader.parseDuration(text);
            } catch (IllegalArgumentException e) {
                throw parameters.invalid(name, "is not a duration such as 7d or 12h");
            }
        });
    }

    private static Map<String, Object> compact(DeltaLake lake, JobEngine engine, LakeTableName table,
            CompactionSettings settings, Consumer<LakeTableName> committed, JobContext context) throws Exception {
        // The lake's writer: on a cached lake it puts the new files into the cache, as other writers do.
        DeltaTableWriter writer = lake.writer(table);
        Path work = lake.workDirectory().resolve("compaction");
        TableCompactor compactor;
        if (lake.cache().isPresent()) {
            compactor = TableCompactor.cached(lake.store(), lake.cache().get(), DeltaLake.CACHE_NAMESPACE, writer, work,
                    settings);
        } else if (lake.store() instanceof LocalBlobStore local) {
            compactor = TableCompactor.local(local, writer, work, settings);
        } else {
            throw new IllegalStateException("the lake " + lake + " is neither cached nor a local store");
        }
        CompactionResult result;
        try (Connection connection = engine.openConnection()) {
            result = compactor.compact(connection, context::cancelRequested, context::progress);
        }
        if (!result.committedVersions().isEmpty()) {
            committed.accept(table);
        }
        context.checkCancelled();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("readVersion", result.readVersion());
        summary.put("partitionsCompacted", result.partitionsCompacted());
        summary.put("partitionsSkipped", result.partitionsSkipped());
        summary.put("partitionsConflicted", result.partitionsConflicted());
        summary.put("filesRemoved", result.filesRemoved());
        summary.put("filesAdded", result.filesAdded());
        summary.put("bytesBefore", result.bytesBefore());
        summary.put("bytesAfter", result.bytesAfter());
        summary.put("committedVersions", result.committedVersions());
        summary.put("conflicts", result.conflicts());
        return summary;
    }

    private static Map<String, Object> vacuum(DeltaLake lake, LakeTableName table, VacuumOptions options, Clock clock,
            JobContext context) {
        DeltaTableWriter writer = lake.writer(table);
        VacuumResult result = new TableVacuum(lake.store(), writer.log(), new CommitFileFormat(), clock)
                .vacuum(options, context::cancelRequested, context::progress);
        context.checkCancelled();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("version", result.version());
        summary.put("cutoff", result.cutoff().toString());
        summary.put("dryRun", result.dryRun());
        summary.put("files", result.files().stream().map(file -> Map.of("path", file.path(), "size", file.size(),
                "reason", file.reason().name().toLowerCase(java.util.Locale.ROOT))).toList());
        summary.put("bytes", result.bytes());
        return summary;
    }

    private static Map<String, Object> checkpoint(DeltaLake lake, LakeTableName table, LogMaintenanceOptions options,
            Clock clock, JobContext context) {
        DeltaTableWriter writer = lake.writer(table);
        CheckpointWriter checkpoints = new CheckpointWriter(lake.store(), new CommitFileFormat(),
                lake.workDirectory().resolve("checkpoints"), clock, TableVacuum.DEFAULT_RETENTION);
        LogMaintenanceResult result = new LogMaintenance(lake.store(), writer.log(), checkpoints, clock)
                .run(options, context::cancelRequested, context::progress);
        context.checkCancelled();
        Map<String, Object> summary = new LinkedHashMap<>();
        result.checkpointVersion().ifPresent(version -> summary.put("checkpointVersion", version));
        result.cutoffCheckpoint().ifPresent(version -> summary.put("cutoffCheckpoint", version));
        summary.put("deletedLogFiles", result.deletedFiles());
        return summary;
    }
}
