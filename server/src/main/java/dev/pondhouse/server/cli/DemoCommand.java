package dev.pondhouse.server.cli;

import dev.pondhouse.security.PasswordHasher;
import dev.pondhouse.security.ShiroUserAuthenticator;
import dev.pondhouse.server.PondhouseServer;
import dev.pondhouse.server.config.ConfigLoader;
import dev.pondhouse.server.config.ServerConfig;
import dev.pondhouse.server.demo.GenerationProgress;
import dev.pondhouse.server.demo.TpchPipelineDemo;
import dev.pondhouse.server.demo.TpchLakeGenerator;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pondhouse demo}: generates TPC-H data into a local lake (or reuses it) and serves it on
 * loopback, plaintext, with the demo user {@code demo}/{@code demo}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Generates TPC-H data (schema tpch) into a local lake folder, then serves it over Flight SQL",
                "on 127.0.0.1 without TLS, with user 'demo', password 'demo'. Data already generated at the same",
                "scale is reused. Stop with Ctrl-C."})
public final class DemoCommand implements Callable<Integer> {
    static final String RULES_FILE = "_demo-access-rules.yaml";
    static final String DEMO_RULES = """
            # Access rules of the demo (written at each start): the first rule that matches the user and
            # the table decides; no match means no access. See the README, "Access rules".
            rules:
              - users: [demo]
                tables: ["tpch.*", "tpch_results.*"]
                privileges: [read]
              - users: [analyst]
                tables: [tpch.customer]
                privileges: [read]
                row-filter: "c_mktsegment = 'BUILDING'"
                columns:
                  c_phone: { mask: "'***-***-' || right(c_phone, 4)" }
                  c_acctbal: { hidden: true }
              - users: [analyst]
                tables: [tpch.orders, tpch.lineitem, tpch.nation, tpch.region]
                privileges: [read]
            """;

    @Option(names = "--scale", defaultValue = "1", description = "TPC-H scale factor (1 = about 1 GB of raw data). Default: ${DEFAULT-VALUE}")
    double scale;

    @Option(names = "--data", defaultValue = "pondhouse-data", description = "Lake folder. Default: ${DEFAULT-VALUE}")
    Path data;

    @Option(names = "--port", defaultValue = "31337", description = "Flight SQL port on 127.0.0.1 (0 picks a free one). Default: ${DEFAULT-VALUE}")
    int port;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        TpchLakeGenerator generator = new TpchLakeGenerator(data, Runtime.getRuntime().availableProcessors());
        if (generator.isPresent(scale)) {
            out.println("Using TPC-H data at scale " + scale + " in " + data.toAbsolutePath());
        } else {
            out.println("Generating TPC-H data at scale " + scale + " into " + data.toAbsolutePath() + " ...");
            long started = System.nanoTime();
            generator.ensureGenerated(scale, new ConsoleProgress(out));
            out.printf("Generated in %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
        Path pipelineConfig = TpchPipelineDemo.prepare(data);

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("flight.host", "127.0.0.1");
        settings.put("flight.port", Integer.toString(port));
        settings.put("flight.plaintext", "true");
        settings.put("lake.root", data.toAbsolutePath().toString());
        settings.put("lake.default-schema", TpchLakeGenerator.SCHEMA_NAME);
        settings.put("pipelines.directory", data.resolve("_pipelines").toAbsolutePath().toString());
        Path rules = data.resolve(RULES_FILE);
        Files.writeString(rules, DEMO_RULES);
        settings.put("auth.rules-file", rules.toAbsolutePath().toString());
        settings.put("admin.port", port == 0 ? "0" : Integer.toString(port + 1));
        settings.put("jobs.history-folder", data.resolve("_pondhouse-jobs").toAbsolutePath().toString());
        ServerConfig config = new ConfigLoader().load(Optional.empty(), Map.of(), settings);
        PasswordHasher hasher = new PasswordHasher();
        String users = "[users]\n"
                + "demo = \"" + hasher.hash("demo".toCharArray()) + "\", reader\n"
                + "analyst = \"" + hasher.hash("analyst".toCharArray()) + "\", analyst\n"
                + "admin = \"" + hasher.hash("admin".toCharArray()) + "\", admin\n";

        PondhouseServer server = new PondhouseServer(config, ShiroUserAuthenticator.fromIniText(users));
        server.start();
        String url = "jdbc:arrow-flight-sql://127.0.0.1:" + server.port() + "/?useEncryption=false&user=demo&password=demo";
        out.println();
        out.println("Pondhouse demo is serving TPC-H (schema tpch) over Flight SQL on 127.0.0.1:" + server.port());
        out.println("  JDBC URL:  " + url);
        out.println("  user demo, password demo: every table");
        out.println("  user analyst, password analyst: BUILDING customers only, phone numbers masked, no account");
        out.println("             balances; orders, lineitem, nation, region (rules: " + rules.toAbsolutePath() + ")");
        out.println("  Admin API: http://127.0.0.1:" + server.adminPort() + "/health, /ready, /metrics; tables and jobs as user");
        out.println("             admin, password admin (see server/ADMIN-API.md)");
        out.println("  DBeaver:   Database > Driver Manager > New: class org.apache.arrow.driver.jdbc.ArrowFlightJdbcDriver,");
        out.println("             library flight-sql-jdbc-driver-18.3.0.jar, URL template");
        out.println("             jdbc:arrow-flight-sql://{host}:{port}/?useEncryption=false; then connect with the URL above.");
        out.println("  Pipeline:  the 22 TPC-H queries over raw Parquet, answers as tables tpch_results.q01..q22 (read them");
        out.println("             as user demo): as a job of this server,");
        out.println("             curl -u admin:admin -X POST http://127.0.0.1:" + server.adminPort()
                + "/jobs -d '{\"job\": \"pipeline\", \"params\": {\"name\": \"" + TpchPipelineDemo.PIPELINE_NAME + "\"}}'");
        out.println("             or on its own: ./pondhouse pipeline run " + TpchPipelineDemo.PIPELINE_NAME + " --config "
                + pipelineConfig);
        out.println("  Stop with Ctrl-C.");
        out.flush();
        ServerRunner.runUntilStopped(server);
        return 0;
    }

    /**
     * Prints a line per table when it is done, and every 10% for tables of more than a million
     * rows. Tables are generated in parallel, so progress is kept per table.
     */
    private static final class ConsoleProgress implements GenerationProgress {
        private final PrintStream out;
        private final Map<String, Long> lastTenth = new HashMap<>();

        ConsoleProgress(PrintStream out) {
            this.out = out;
        }

        @Override
        public void progress(String table, long rowsDone, long rowsTotal) {
            long tenth = rowsTotal == 0 ? 10 : rowsDone * 10 / rowsTotal;
            Long previous = lastTenth.put(table, tenth);
            if ((previous == null || previous != tenth) && (tenth == 10 || rowsTotal > 1_000_000)) {
                out.printf("  %-9s %,13d / %,d rows (%d%%)%n", table, rowsDone, rowsTotal, tenth * 10);
            }
        }
    }
}
