package dev.pondhouse.server.benchmark;

import dev.pondhouse.security.PasswordHasher;
import dev.pondhouse.security.ShiroUserAuthenticator;
import dev.pondhouse.server.PondhouseServer;
import dev.pondhouse.server.config.ConfigLoader;
import dev.pondhouse.server.config.ServerConfig;
import dev.pondhouse.server.demo.GenerationProgress;
import dev.pondhouse.server.demo.TpchLakeGenerator;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DeltaTableWriter;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import dev.pondhouse.server.lake.delta.TableData;
import dev.pondhouse.server.lake.delta.WriteRequest;
import dev.pondhouse.server.testing.TpchAnswers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What serving Delta snapshots costs, and how soon a commit is served. A program, not a test.
 *
 * <ol>
 *   <li>TPC-H at {@code scale} as Delta tables (the demo's generator), and the same data files again
 *       as plain Parquet folders (hard links, no {@code _delta_log}); one server on each, in this
 *       JVM; the 22 queries through the JDBC driver on both, taking turns, {@code runs} times. It
 *       prints the median total of each and the ratio (target: Delta within 1.05x of plain files).
 *   <li>A commit made outside the server (the Delta writer appending to {@code tpch.region}) with
 *       {@code lake.refresh-interval} 1 s: the time from the commit until a new query sees the rows,
 *       {@code runs} times (target: within 1 s, plus download time for a lake in blob storage).
 * </ol>
 *
 * <pre>
 * ./mvnw -B -q -pl server -am test-compile dependency:build-classpath \
 *   -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java --add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED \
 *   -cp security/target/classes:server/target/test-classes:server/target/classes:$(cat server/target/test-classpath.txt) \
 *   dev.pondhouse.server.benchmark.LakeServingBenchmark 1 3 /tmp/lake-serving
 * </pre>
 *
 * Arguments: scale factor (default 1), runs (default 3), work folder (default a new temporary one).
 */
public final class LakeServingBenchmark {
    private LakeServingBenchmark() {}

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = args.length > 2 ? Files.createDirectories(Path.of(args[2])) : Files.createTempDirectory("lake-serving");
        Path deltaLake = work.resolve("delta");
        Path plainLake = work.resolve("plain");
        new TpchLakeGenerator(deltaLake, Runtime.getRuntime().availableProcessors()).ensureGenerated(scale,
                GenerationProgress.ignoring());
        linkDataFiles(deltaLake, plainLake);
        System.out.printf("TPC-H SF %s in %s%n", scale, work);

        try (Served delta = Served.start(deltaLake, "0s"); Served plain = Served.start(plainLake, "0s")) {
            List<Long> deltaTotals = new ArrayList<>();
            List<Long> plainTotals = new ArrayList<>();
            runAll(delta);
            runAll(plain);
            for (int run = 0; run < runs; run++) {
                deltaTotals.add(runAll(delta));
                plainTotals.add(runAll(plain));
            }
            long deltaMedian = median(deltaTotals);
            long plainMedian = median(plainTotals);
            System.out.printf("22 queries, median of %d: Delta snapshots %d ms, plain Parquet folders %d ms%n", runs,
                    deltaMedian, plainMedian);
            System.out.printf("RATIO delta/plain %.3f (target <= 1.05)%n", (double) deltaMedian / plainMedian);
        }

        try (Served delta = Served.start(deltaLake, "1s")) {
            DeltaTableWriter writer = new DeltaTableWriter(new LocalBlobStore(deltaLake), "tpch/region/", new CommitFileFormat(),
                    new DuckDbCheckpointReader(new LocalBlobStore(deltaLake), work.resolve("checkpoints"), new CommitFileFormat()),
                    work.resolve("staging"), Clock.systemUTC(), DeltaWriterSettings.DEFAULT);
            List<Long> latencies = new ArrayList<>();
            try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
                for (int run = 0; run < runs; run++) {
                    long before = count(delta, "SELECT count(*) FROM tpch.region");
                    // One row with exactly the table's column types: a copy of an existing row.
                    writer.write(duckdb, WriteRequest.append(TableData.query("SELECT * FROM read_parquet('"
                            + deltaLake.resolve("tpch/region") + "/*.parquet') LIMIT 1")));
                    long committed = System.nanoTime();
                    while (count(delta, "SELECT count(*) FROM tpch.region") == before) {
                        Thread.sleep(10);
                    }
                    latencies.add((System.nanoTime() - committed) / 1_000_000);
                }
            }
            System.out.printf("external commit visible after (ms, refresh-interval 1s): %s, median %d (target <= 1000)%n",
                    latencies, median(latencies));
        }
    }

    /** Hard links every Parquet file of {@code source} into the same place under {@code target}, without the logs. */
    private static void linkDataFiles(Path source, Path target) throws IOException {
        if (Files.exists(target)) {
            return;
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".parquet")
                    && !path.toString().contains("_delta_log")).toList()) {
                Path link = target.resolve(source.relativize(file));
                Files.createDirectories(link.getParent());
                Files.createLink(link, file);
            }
        }
    }

    private static long runAll(Served served) throws SQLException {
        long started = System.nanoTime();
        try (Connection connection = served.connect(); Statement statement = connection.createStatement()) {
            for (int number = 1; number <= 22; number++) {
                for (String sql : TpchAnswers.statements(number)) {
                    if (statement.execute(sql)) {
                        try (ResultSet result = statement.getResultSet()) {
                            while (result.next()) {
                                result.getObject(1);
                            }
                        }
                    }
                }
            }
        }
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static long count(Served served, String sql) throws SQLException {
        try (Connection connection = served.connect(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static long median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    /** A server on one lake folder, in this JVM. */
    private record Served(PondhouseServer server, Path lake) implements AutoCloseable {
        static Served start(Path lake, String refreshInterval) throws Exception {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("flight.port", "0");
            settings.put("flight.plaintext", "true");
            settings.put("lake.root", lake.toString());
            settings.put("lake.default-schema", "tpch");
            settings.put("lake.refresh-interval", refreshInterval);
            settings.put("admin.enabled", "false");
            settings.put("jobs.history-folder", lake.resolve("_jobs").toString());
            ServerConfig config = new ConfigLoader().load(Optional.empty(), Map.of(), settings);
            String users = "[users]\nbench = \"" + new PasswordHasher().hash("bench".toCharArray()) + "\", reader\n";
            PondhouseServer server = new PondhouseServer(config, ShiroUserAuthenticator.fromIniText(users), List.of());
            server.start();
            return new Served(server, lake);
        }

        Connection connect() throws SQLException {
            Properties properties = new Properties();
            properties.setProperty("user", "bench");
            properties.setProperty("password", "bench");
            return DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + server.port() + "/?useEncryption=false",
                    properties);
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
