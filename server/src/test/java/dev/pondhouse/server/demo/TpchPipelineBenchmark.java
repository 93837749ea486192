package dev.pondhouse.server.demo;

import dev.pondhouse.server.config.ConfigLoader;
import dev.pondhouse.server.config.ServerConfig;
import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import dev.pondhouse.server.pipeline.JobProgress;
import dev.pondhouse.server.pipeline.PipelineDefinition;
import dev.pondhouse.server.pipeline.PipelineDirectory;
import dev.pondhouse.server.pipeline.PipelineResult;
import dev.pondhouse.server.pipeline.PipelineRunner;
import dev.pondhouse.server.pipeline.PipelineStep;
import io.trino.tpch.TpchTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The TPC-H pipeline against embedded DuckDB on the same machine, same files, same run:
 * raw TPC-H Parquet, the 22 queries, 22 result tables committed to Delta; against DuckDB running the
 * same 22 queries over the same files (fetching every row), and DuckDB writing each answer to a
 * local Parquet file with {@code COPY} (the pipeline's work without Delta). Prints per query and
 * per phase, and the ratios.
 *
 * <pre>
 * ./mvnw -B -q -pl server -am test-compile
 * ./mvnw -B -q -pl server dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp server/target/test-classes:server/target/classes:$(cat /tmp/cp.txt) \
 *     dev.pondhouse.server.demo.TpchPipelineBenchmark 1 /tmp/tpch-bench
 * </pre>
 *
 * Arguments: scale factor (default 1), work folder (default a new temporary folder; a lake
 * generated at the same scale there is reused), DuckDB threads (default: all processors).
 */
public final class TpchPipelineBenchmark {
    private TpchPipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        Path folder = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("tpch-pipeline-benchmark");
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        Path lakeRoot = folder.resolve("lake");

        long started = System.nanoTime();
        new TpchLakeGenerator(lakeRoot, threads).ensureGenerated(scale, GenerationProgress.ignoring());
        Path configFile = TpchPipelineDemo.prepare(lakeRoot);
        System.out.printf("TPC-H scale factor %s in %s, %d threads; lake and raw files ready in %.1f s%n", scale,
                lakeRoot, threads, seconds(started));
        ServerConfig config = new ConfigLoader().load(Optional.of(configFile), Map.of(), Map.of());
        Path raw = lakeRoot.resolve("_raw").resolve("tpch");

        try (JobEngine engine = new JobEngine(threads, "75%", folder.resolve("spill"))) {
            engine.start();
            long loading = System.nanoTime();
            PipelineDefinition pipeline = new PipelineDirectory(config.pipelines().directory().orElseThrow(), engine)
                    .load(TpchPipelineDemo.PIPELINE_NAME);
            double loadSeconds = seconds(loading);

            Map<String, Double> query = new LinkedHashMap<>();
            Map<String, Double> copy = new LinkedHashMap<>();
            try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
                execute(duckdb, "SET threads = " + threads);
                execute(duckdb, "SET preserve_insertion_order = false");
                execute(duckdb, "CREATE SCHEMA raw_tpch");
                execute(duckdb, "USE raw_tpch");
                for (TpchTable<?> table : TpchTable.getTables()) {
                    execute(duckdb, "CREATE VIEW " + table.getTableName() + " AS SELECT * FROM read_parquet("
                            + SqlIdentifiers.literal(raw.resolve(table.getTableName()) + "/**/*.parquet") + ")");
                }
                // Warm the operating system's file cache for both contenders.
                for (TpchTable<?> table : TpchTable.getTables()) {
                    execute(duckdb, "SELECT count(*) FROM " + table.getTableName());
                }
                Path copies = Files.createDirectories(folder.resolve("duckdb-copies"));
                for (PipelineStep step : pipeline.steps()) {
                    long queryStart = System.nanoTime();
                    try (Statement statement = duckdb.createStatement(); ResultSet rows = statement.executeQuery(step.sql())) {
                        int columns = rows.getMetaData().getColumnCount();
                        while (rows.next()) {
                            for (int column = 1; column <= columns; column++) {
                                rows.getObject(column);
                            }
                        }
                    }
                    query.put(step.name(), seconds(queryStart));
                    long copyStart = System.nanoTime();
                    execute(duckdb, "COPY (" + step.sql() + ") TO " + SqlIdentifiers.literal(
                            copies.resolve(step.name() + ".parquet").toString()) + " (FORMAT parquet)");
                    copy.put(step.name(), seconds(copyStart));
                }
            }

            DeltaLake lake = DeltaLake.local(lakeRoot, folder.resolve("work"), Clock.systemUTC(),
                    DeltaWriterSettings.DEFAULT);
            long runStart = System.nanoTime();
            PipelineResult result = new PipelineRunner(engine, lake, table -> {})
                    .run(pipeline, System.currentTimeMillis(), () -> false, JobProgress.NONE);
            double runSeconds = seconds(runStart);
            if (!result.succeeded()) {
                throw new IllegalStateException("the pipeline failed: " + result.failure());
            }

            System.out.printf("%n%-5s %12s %14s %14s %10s %10s%n", "query", "pipeline s", "duckdb query s",
                    "duckdb copy s", "vs query", "vs copy");
            double pipelineTotal = 0;
            for (PipelineResult.StepResult step : result.steps()) {
                double seconds = step.duration().toNanos() / 1e9;
                pipelineTotal += seconds;
                System.out.printf("%-5s %12.3f %14.3f %14.3f %10.2f %10.2f%n", step.step(), seconds, query.get(step.step()),
                        copy.get(step.step()), seconds / query.get(step.step()), seconds / copy.get(step.step()));
            }
            double queryTotal = query.values().stream().mapToDouble(Double::doubleValue).sum();
            double copyTotal = copy.values().stream().mapToDouble(Double::doubleValue).sum();
            System.out.printf("%-5s %12.3f %14.3f %14.3f %10.2f %10.2f%n", "all", pipelineTotal, queryTotal, copyTotal,
                    pipelineTotal / queryTotal, pipelineTotal / copyTotal);
            System.out.printf("%nPhases: load and check the pipeline file %.2f s; run (22 steps, 22 commits) %.1f s;"
                    + " embedded DuckDB: 22 queries %.1f s, 22 COPY to Parquet %.1f s.%n", loadSeconds, runSeconds,
                    queryTotal, copyTotal);
            System.out.printf("Ratios: pipeline run / DuckDB queries %.2f; pipeline run / DuckDB COPY %.2f%n",
                    runSeconds / queryTotal, runSeconds / copyTotal);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void execute(Connection connection, String sql) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
