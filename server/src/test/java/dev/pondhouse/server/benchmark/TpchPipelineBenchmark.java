package dev.pondhouse.server.benchmark;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.pondhouse.server.ConfiguredLake;
import dev.pondhouse.server.config.ConfigLoader;
import dev.pondhouse.server.config.ServerConfig;
import dev.pondhouse.server.demo.GenerationProgress;
import dev.pondhouse.server.demo.TpchLakeGenerator;
import dev.pondhouse.server.demo.TpchPipelineDemo;
import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.blob.AzureBlobStore;
import dev.pondhouse.server.lake.blob.AzuriteServer;
import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.cache.CacheKey;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import dev.pondhouse.server.pipeline.JobProgress;
import dev.pondhouse.server.pipeline.PipelineDefinition;
import dev.pondhouse.server.pipeline.PipelineDirectory;
import dev.pondhouse.server.pipeline.PipelineResult;
import dev.pondhouse.server.pipeline.PipelineRunner;
import dev.pondhouse.server.pipeline.PipelineStep;
import dev.pondhouse.server.pipeline.SourceContainers;
import io.trino.tpch.TpchTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The seed workload, the TPC-H pipeline, against embedded DuckDB on the same machine, same files,
 * same run: raw TPC-H Parquet in, the 22 queries, 22 result tables committed to Delta; against
 * DuckDB running the same 22 queries over the same local files (fetching every row), and DuckDB
 * writing each answer to a local Parquet file with {@code COPY} (the pipeline's work without Delta).
 *
 * <p>With {@code azurite} the raw files are uploaded to a container {@code raw} of an Azurite on this
 * machine (not timed: that is the data arriving) and the lake is the container {@code lake}: the
 * pipeline copies the raw files into an empty disk cache, runs the queries, stages the answers,
 * uploads and commits them, the way {@code pondhouse pipeline run} does against Azure. It runs
 * twice, cold (empty cache: the end-to-end figure) and warm (the raw files cached: the queries and
 * commits), then times the copy phase alone, every raw blob into another empty cache. The per-query
 * table shows the last run (warm) and the first (cold). With {@code local} the raw files and the
 * lake are local folders.
 *
 * <p>Before anything is timed every raw file is read once, so the operating system's file cache
 * holds them for every contender.
 *
 * <pre>
 * ./mvnw -B -q -pl server -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java --add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED -Xmx8g \
 *     -cp server/target/test-classes:server/target/classes:$(cat /tmp/cp.txt) \
 *     dev.pondhouse.server.benchmark.TpchPipelineBenchmark 10 /tmp/tpch-sf10 2 azurite
 * </pre>
 *
 * Arguments: scale factor (default 1), work folder (default a new temporary folder; a lake
 * generated at the same scale there is reused), DuckDB threads (default: all processors),
 * {@code local} (default) or {@code azurite}.
 */
public final class TpchPipelineBenchmark {
    private TpchPipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        Path folder = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("tpch-pipeline-benchmark");
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        boolean azurite = args.length > 3 && args[3].equals("azurite");
        if (args.length > 3 && !azurite && !args[3].equals("local")) {
            throw new IllegalArgumentException("the fourth argument is local or azurite, not " + args[3]);
        }
        Path lakeRoot = folder.resolve("lake");

        long started = System.nanoTime();
        new TpchLakeGenerator(lakeRoot, threads).ensureGenerated(scale, GenerationProgress.ignoring());
        Path configFile = TpchPipelineDemo.prepare(lakeRoot);
        Path raw = lakeRoot.resolve("_raw").resolve("tpch");
        long rawBytes = BenchmarkFiles.readAll(raw);
        System.out.printf(Locale.ROOT, "TPC-H scale factor %s in %s, %d threads; lake and raw files (%.0f MB) ready in"
                + " %.1f s%n", scale, lakeRoot, threads, rawBytes / 1e6, seconds(started));

        try (JobEngine engine = new JobEngine(threads, "75%", folder.resolve("spill"))) {
            engine.start();
            ServerConfig localConfig = new ConfigLoader().load(Optional.of(configFile), Map.of(), Map.of());
            PipelineDefinition localPipeline = new PipelineDirectory(localConfig.pipelines().directory().orElseThrow(), engine)
                    .load(TpchPipelineDemo.PIPELINE_NAME);
            DuckDbTimes duckdb = embeddedDuckDb(localPipeline.steps(), raw, threads, folder);

            List<PipelineResult> runs;
            if (azurite) {
                runs = runOnAzurite(engine, raw, folder);
            } else {
                DeltaLake lake = DeltaLake.local(lakeRoot, folder.resolve("work"), Clock.systemUTC(),
                        DeltaWriterSettings.DEFAULT);
                runs = List.of(run(new PipelineRunner(engine, lake, table -> {}), localPipeline));
            }
            report(runs, duckdb);
        }
    }

    /** What embedded DuckDB takes per query: fetching every row, and writing the answer with COPY. */
    private record DuckDbTimes(Map<String, Double> query, Map<String, Double> copy) {
        double queryTotal() {
            return query.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        double copyTotal() {
            return copy.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private static DuckDbTimes embeddedDuckDb(List<PipelineStep> steps, Path raw, int threads, Path folder) throws Exception {
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
            Path copies = Files.createDirectories(folder.resolve("duckdb-copies"));
            for (PipelineStep step : steps) {
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
        return new DuckDbTimes(query, copy);
    }

    /**
     * Uploads the raw files to Azurite and runs the pipeline against it twice: into an empty cache,
     * then with the raw files cached.
     */
    private static List<PipelineResult> runOnAzurite(JobEngine engine, Path raw, Path folder) throws Exception {
        try (AzuriteServer azurite = AzuriteServer.start()) {
            BlobServiceClient service = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                    .buildClient();
            service.createBlobContainer("raw");
            service.createBlobContainer("lake");
            Path pipelines = Files.createDirectories(folder.resolve("azurite-pipelines"));
            String pipelineText = TpchPipelineDemo.pipelineText();
            String fromContainer = pipelineText.replace("folder: ../_raw/tpch ", "container: raw\n    prefix: tpch/ ");
            if (fromContainer.equals(pipelineText)) {
                throw new IllegalStateException("the demo pipeline no longer names its source folder as expected");
            }
            Files.writeString(pipelines.resolve(TpchPipelineDemo.PIPELINE_NAME + ".yaml"), fromContainer);
            Path cacheFolder = folder.resolve("azurite-cache");
            BenchmarkFiles.deleteRecursively(cacheFolder);
            BenchmarkFiles.deleteRecursively(folder.resolve("azurite-work"));
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("lake.store", "azure");
            settings.put("lake.azure.container", "lake");
            settings.put("cache.directory", cacheFolder.toString());
            settings.put("cache.max-size", "64GB");
            settings.put("pipelines.directory", pipelines.toString());
            settings.put("pipelines.work-directory", folder.resolve("azurite-work").toString());
            ServerConfig config = new ConfigLoader().load(Optional.empty(),
                    Map.of("PONDHOUSE_LAKE_AZURE_CONNECTION_STRING", azurite.connectionString()), settings);
            BlobStore lakeStore = ConfiguredLake.store(config.lake());
            BlobStore rawStore = AzureBlobStore.fromConfig(config.lake().azure().storeConfig("raw"));

            long uploadStart = System.nanoTime();
            long uploaded = BenchmarkFiles.upload(raw, rawStore, "tpch/", 4);
            System.out.printf(Locale.ROOT, "uploaded the raw files to Azurite container raw: %.0f MB in %.1f s (setup, not"
                    + " timed below)%n", uploaded / 1e6, seconds(uploadStart));

            try (DiskCache cache = new DiskCache(cacheFolder, config.cache().maxSizeBytes(), config.cache().downloadThreads(),
                    Duration.ZERO, Clock.systemUTC())) {
                cache.start();
                Path work = config.pipelines().workDirectoryFor(config.lake(), config.cache());
                DeltaLake lake = ConfiguredLake.deltaLake(config.lake(), lakeStore, Optional.of(cache), work);
                Optional<SourceContainers> containers = ConfiguredLake.sourceContainers(config.lake(), Optional.of(cache));
                PipelineDefinition pipeline = new PipelineDirectory(pipelines, engine, true)
                        .load(TpchPipelineDemo.PIPELINE_NAME);
                PipelineRunner runner = new PipelineRunner(engine, lake, containers, table -> {});
                PipelineResult cold = run(runner, pipeline);
                DiskCache.Statistics afterCold = cache.statistics();
                System.out.printf(Locale.ROOT, "cold run: %.1f s, %d files (%.0f MB) copied into the cache%n",
                        cold.duration().toNanos() / 1e9, afterCold.downloads(), afterCold.downloadedBytes() / 1e6);
                PipelineResult warm = run(runner, pipeline);
                System.out.printf(Locale.ROOT, "warm run: %.1f s, %d more downloads%n", warm.duration().toNanos() / 1e9,
                        cache.statistics().downloads() - afterCold.downloads());
                copyIntoEmptyCache(rawStore, folder.resolve("azurite-cache-copy"), config);
                return List.of(cold, warm);
            }
        }
    }

    /**
     * The copy phase alone: every raw blob fetched into an empty cache the way a cold pipeline run
     * fetches its sources (versioned keys, the cache's download threads), timed.
     */
    private static void copyIntoEmptyCache(BlobStore rawStore, Path cacheFolder, ServerConfig config) throws Exception {
        BenchmarkFiles.deleteRecursively(cacheFolder);
        try (DiskCache cache = new DiskCache(cacheFolder, config.cache().maxSizeBytes(), config.cache().downloadThreads(),
                Duration.ZERO, Clock.systemUTC())) {
            cache.start();
            long started = System.nanoTime();
            List<CompletableFuture<Path>> copies = new ArrayList<>();
            long bytes = 0;
            for (BlobEntry blob : rawStore.list("tpch/")) {
                copies.add(cache.fetch(rawStore, CacheKey.versioned("sources/raw", blob.name(), blob.etag()), blob.size()));
                bytes += blob.size();
            }
            for (CompletableFuture<Path> copy : copies) {
                copy.get();
            }
            System.out.printf(Locale.ROOT, "copy phase alone: %d blobs (%.0f MB) from Azurite into an empty cache in %.1f s%n",
                    copies.size(), bytes / 1e6, seconds(started));
        } finally {
            BenchmarkFiles.deleteRecursively(cacheFolder);
        }
    }

    private static PipelineResult run(PipelineRunner runner, PipelineDefinition pipeline) {
        PipelineResult result = runner.run(pipeline, System.currentTimeMillis(), () -> false, JobProgress.NONE);
        if (!result.succeeded()) {
            throw new IllegalStateException("the pipeline failed: " + result.failure());
        }
        return result;
    }

    private static void report(List<PipelineResult> runs, DuckDbTimes duckdb) {
        PipelineResult last = runs.get(runs.size() - 1);
        System.out.printf("%n%-5s %12s %12s %14s %14s %10s %10s%n", "query", "pipeline s", "first run s", "duckdb query s",
                "duckdb copy s", "vs query", "vs copy");
        for (int index = 0; index < last.steps().size(); index++) {
            PipelineResult.StepResult step = last.steps().get(index);
            double seconds = step.duration().toNanos() / 1e9;
            double first = runs.get(0).steps().get(index).duration().toNanos() / 1e9;
            double query = duckdb.query().get(step.step());
            double copy = duckdb.copy().get(step.step());
            System.out.printf(Locale.ROOT, "%-5s %12.3f %12.3f %14.3f %14.3f %10.2f %10.2f%n", step.step(), seconds, first,
                    query, copy, seconds / query, seconds / copy);
        }
        System.out.printf(Locale.ROOT, "%nembedded DuckDB over the local raw files: 22 queries %.1f s, 22 COPY to Parquet"
                + " %.1f s%n", duckdb.queryTotal(), duckdb.copyTotal());
        String[] names = runs.size() == 1 ? new String[] {"pipeline (local files)"}
                : new String[] {"pipeline from Azurite, cold cache (end to end)", "pipeline from Azurite, raw files cached"};
        for (int index = 0; index < runs.size(); index++) {
            double seconds = runs.get(index).duration().toNanos() / 1e9;
            System.out.printf(Locale.ROOT, "%-48s %7.1f s   %.2fx DuckDB queries, %.2fx DuckDB COPY%n", names[index],
                    seconds, seconds / duckdb.queryTotal(), seconds / duckdb.copyTotal());
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
