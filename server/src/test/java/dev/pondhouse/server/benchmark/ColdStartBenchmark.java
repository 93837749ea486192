package dev.pondhouse.server.benchmark;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.Context;
import com.azure.storage.blob.options.BlobDownloadToFileOptions;
import com.azure.storage.common.ParallelTransferOptions;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.pondhouse.server.demo.GenerationProgress;
import dev.pondhouse.server.demo.TpchLakeGenerator;
import dev.pondhouse.server.lake.BlobDeltaLakeCatalog;
import dev.pondhouse.server.lake.LakeCatalog;
import dev.pondhouse.server.lake.LakeTable;
import dev.pondhouse.server.lake.blob.AzureBlobStore;
import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig;
import dev.pondhouse.server.lake.blob.AzuriteServer;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Cold start of an Azure lake: how fast the server brings a TPC-H Delta lake from a container into
 * an empty cache (listing, log replay, downloads, size and CRC checks, atomic moves), against a
 * plain Azure SDK download of the same data files with the same number of threads, in the same run:
 * once with the SDK's default transfer options, once with the block size and concurrency the
 * server's store uses (so the second ratio is the cost of the cache itself).
 * A program, not a test: the storage is Azurite on this machine, so the figures are about the
 * client side, not about Azure's network.
 *
 * <pre>
 * ./mvnw -B -q -pl server -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java --add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED \
 *     -cp server/target/test-classes:server/target/classes:$(cat server/target/test-classpath.txt) \
 *     dev.pondhouse.server.benchmark.ColdStartBenchmark --scale 1 --runs 3
 * </pre>
 *
 * Options: {@code --scale} (TPC-H scale factor, default 1), {@code --lake} (folder of the generated
 * lake, reused when present; default {@code <tmp>/pondhouse-cold-start-sf<scale>}), {@code --threads}
 * (download threads of every side, default 4), {@code --runs} (default 3; each run does all three, the
 * order rotating; the best run of each is compared, after one warm-up run of each).
 */
public final class ColdStartBenchmark {
    private ColdStartBenchmark() {}

    public static void main(String[] args) throws Exception {
        double scale = 1;
        Optional<Path> lakeOption = Optional.empty();
        int threads = 4;
        int runs = 3;
        for (int index = 0; index < args.length; index += 2) {
            String value = args[index + 1];
            switch (args[index]) {
                case "--scale" -> scale = Double.parseDouble(value);
                case "--lake" -> lakeOption = Optional.of(Path.of(value));
                case "--threads" -> threads = Integer.parseInt(value);
                case "--runs" -> runs = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[index]);
            }
        }
        Path lake = lakeOption.orElse(Path.of(System.getProperty("java.io.tmpdir"), "pondhouse-cold-start-sf" + scale));
        System.out.printf(Locale.ROOT, "TPC-H SF %s Delta lake in %s (generated if absent)%n", scale, lake);
        new TpchLakeGenerator(lake, Runtime.getRuntime().availableProcessors()).ensureGenerated(scale,
                GenerationProgress.ignoring());

        Path work = Files.createTempDirectory("pondhouse-cold-start-");
        try (AzuriteServer azurite = AzuriteServer.start()) {
            String container = "cold-start";
            new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                    .createBlobContainer(container);
            BlobStore store = AzureBlobStore.fromConfig(new AzureBlobStoreConfig(container, Optional.empty(),
                    new AzureBlobStoreConfig.Authentication.ConnectionString(azurite.connectionString()),
                    AzureBlobStoreConfig.Retry.DEFAULT));
            long uploaded = BenchmarkFiles.upload(lake, store, "", threads);
            System.out.printf(Locale.ROOT, "uploaded %.1f MB to Azurite%n", uploaded / 1e6);
            BlobContainerClient sdk = new BlobContainerClientBuilder()
                    .connectionString(azurite.connectionString())
                    .containerName(container)
                    .httpClient(new JdkHttpClientBuilder().build())
                    .buildClient();

            long bestCache = Long.MAX_VALUE;
            long bestSdk = Long.MAX_VALUE;
            long bestTunedSdk = Long.MAX_VALUE;
            long bytes = 0;
            List<String> sides = List.of("cache", "sdk", "tuned-sdk");
            for (String side : sides) { // warm-up: JIT, connections; not counted
                Path target = Files.createDirectory(work.resolve("warm-up-" + side));
                if (side.equals("cache")) {
                    syncIntoCache(store, target, threads);
                } else {
                    sdkDownload(sdk, lake, target, threads, side.equals("tuned-sdk"));
                }
                BenchmarkFiles.deleteRecursively(target);
            }
            for (int run = 1; run <= runs; run++) {
                for (int step = 0; step < sides.size(); step++) {
                    String side = sides.get((step + run - 1) % sides.size()); // rotate the order between runs
                    Path target = Files.createDirectory(work.resolve("run-" + run + "-" + side));
                    long started = System.nanoTime();
                    String what;
                    if (side.equals("cache")) {
                        what = syncIntoCache(store, target, threads).size() + " tables";
                    } else {
                        what = sdkDownload(sdk, lake, target, threads, side.equals("tuned-sdk")) + " files";
                    }
                    long elapsed = System.nanoTime() - started;
                    long size = folderSize(target);
                    switch (side) {
                        case "cache" -> bestCache = Math.min(bestCache, elapsed);
                        case "sdk" -> {
                            bestSdk = Math.min(bestSdk, elapsed);
                            bytes = size;
                        }
                        default -> bestTunedSdk = Math.min(bestTunedSdk, elapsed);
                    }
                    System.out.printf(Locale.ROOT, "run %d  %-10s %s, %.1f MB in %d ms = %.1f MB/s%n", run, side, what,
                            size / 1e6, elapsed / 1_000_000, size / 1e6 / (elapsed / 1e9));
                    BenchmarkFiles.deleteRecursively(target);
                }
            }
            double cacheRate = bytes / 1e6 / (bestCache / 1e9);
            double sdkRate = bytes / 1e6 / (bestSdk / 1e9);
            double tunedRate = bytes / 1e6 / (bestTunedSdk / 1e9);
            System.out.printf(Locale.ROOT, "%nbest of %d runs, %d download threads each:%n", runs, threads);
            System.out.printf(Locale.ROOT, "  server cache (list, log replay, download, size + CRC-32C check, move): %.1f MB/s%n",
                    cacheRate);
            System.out.printf(Locale.ROOT, "  plain SDK downloadToFile, default transfer options:              %.1f MB/s -> ratio %.2fx%n",
                    sdkRate, cacheRate / sdkRate);
            System.out.printf(Locale.ROOT, "  plain SDK downloadToFile, the store's 8 MB x 4 block transfers:  %.1f MB/s -> ratio %.2fx%n",
                    tunedRate, cacheRate / tunedRate);
            System.out.println("  (target: ratio >= 0.80x)");
        } finally {
            BenchmarkFiles.deleteRecursively(work);
        }
    }

    /** The server's path: discover the tables, replay their logs, cache every active file. */
    private static List<LakeTable> syncIntoCache(BlobStore store, Path cacheFolder, int threads) throws IOException {
        CommitFileFormat format = new CommitFileFormat();
        try (DiskCache cache = new DiskCache(cacheFolder, Long.MAX_VALUE, threads, Duration.ofMinutes(10), Clock.systemUTC())) {
            cache.start();
            BlobDeltaLakeCatalog catalog = new BlobDeltaLakeCatalog(store, "", cache, "lake", format,
                    new DuckDbCheckpointReader(store, cacheFolder.resolveSibling(cacheFolder.getFileName() + "-checkpoints"),
                            format));
            LakeCatalog.Listing listing = catalog.tables();
            if (!listing.problems().isEmpty()) {
                throw new IllegalStateException("the lake did not sync: " + listing.problems());
            }
            return listing.tables();
        }
    }

    /** The baseline: the Azure SDK's own download of each data file, the same number at a time. */
    private static int sdkDownload(BlobContainerClient container, Path lake, Path target, int threads, boolean tuned)
            throws Exception {
        List<String> names = dataFiles(lake);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> downloads = new ArrayList<>();
            for (String name : names) {
                Path file = target.resolve(name);
                downloads.add(pool.submit(() -> {
                    Files.createDirectories(file.getParent());
                    if (tuned) {
                        container.getBlobClient(name).downloadToFileWithResponse(new BlobDownloadToFileOptions(file.toString())
                                .setParallelTransferOptions(new ParallelTransferOptions()
                                        .setBlockSizeLong(8L * 1024 * 1024).setMaxConcurrency(4)), null, Context.NONE);
                    } else {
                        container.getBlobClient(name).downloadToFile(file.toString(), true);
                    }
                    return null;
                }));
            }
            for (Future<?> download : downloads) {
                download.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return names.size();
    }

    /** The Parquet data files of the generated lake (every file is active: the demo writes one commit per table). */
    private static List<String> dataFiles(Path lake) throws IOException {
        try (Stream<Path> paths = Files.walk(lake)) {
            return paths.filter(Files::isRegularFile)
                    .map(path -> lake.relativize(path).toString().replace('\\', '/'))
                    .filter(name -> name.endsWith(".parquet") && !name.contains("_delta_log/"))
                    .sorted()
                    .toList();
        }
    }

    private static long folderSize(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(Files::isRegularFile)
                    .filter(path -> !path.getFileName().toString().startsWith(".pondhouse-"))
                    .mapToLong(path -> path.toFile().length())
                    .sum();
        }
    }
}
