package dev.pondhouse.examples;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Settings of {@link TpchBenchmark}, parsed from {@code --name value} arguments.
 *
 * @param lake the folder the server was started with ({@code --data}); each table is read from the
 *     Parquet files under {@code <lake>/tpch/<table>/}, at any depth
 * @param queries which TPC-H queries to run, 1 to 22
 * @param warmupStatements small statements each side runs once before any query is timed, so that the
 *     Java code of the server and of the clients runs compiled, as in a server and clients that have
 *     been up for a while (until a few thousand calls went through it, the Java code of a call runs
 *     interpreted or only partly optimized: several milliseconds more per call than afterwards)
 * @param warmupRuns untimed runs per query and side before the timed ones
 * @param runs timed runs per query and side; medians are reported
 * @param fetch whether to time the full {@code SELECT * FROM lineitem} fetch
 * @param embeddedThreads DuckDB threads of the embedded side; the server's DuckDB uses all cores
 * @param arrowBatchRows rows per batch when embedded DuckDB exports Arrow
 */
public record BenchmarkOptions(
        Path lake,
        String host,
        int port,
        String user,
        String password,
        List<Integer> queries,
        int warmupStatements,
        int warmupRuns,
        int runs,
        boolean fetch,
        int embeddedThreads,
        int arrowBatchRows) {
    public static final String USAGE = """
            Usage: TpchBenchmark --lake DIR [options]
              --lake DIR          the server's --data folder (tables under DIR/tpch/<table>/), required
              --host HOST         server host (default 127.0.0.1)
              --port PORT         server port (default 31337)
              --user USER         (default demo)
              --password PASSWORD (default demo)
              --queries LIST      TPC-H queries to run, e.g. 1,6,15 or 1-22 (default 1-22)
              --runs N            timed runs per query and side, medians reported (default 3)
              --warmup-statements N small statements per side before anything is timed, so the
                                  server's and the clients' Java code runs compiled (default 4000)
              --warmup N          untimed runs per query and side first (default 1)
              --no-fetch          skip the full SELECT * FROM lineitem fetch
              --threads N         embedded DuckDB threads (default: all cores, as the server uses)
              --arrow-batch-rows N rows per Arrow batch exported by embedded DuckDB (default 65536)""";

    private static final int MAX_RUNS = 100;
    private static final int MAX_WARMUP_STATEMENTS = 1_000_000;

    public BenchmarkOptions {
        requireNonNull(lake, "lake is null");
        requireNonNull(host, "host is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        queries = List.copyOf(queries);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--port must be 1 to 65535, not " + port);
        }
        if (queries.stream().anyMatch(query -> query < 1 || query > TpchQueries.QUERY_COUNT)) {
            throw new IllegalArgumentException("--queries must be numbers from 1 to 22, not " + queries);
        }
        if (runs < 1 || runs > MAX_RUNS || warmupRuns < 0 || warmupRuns > MAX_RUNS) {
            throw new IllegalArgumentException("--runs must be 1 to " + MAX_RUNS + " and --warmup 0 to " + MAX_RUNS
                    + ", not " + runs + " and " + warmupRuns);
        }
        if (warmupStatements < 0 || warmupStatements > MAX_WARMUP_STATEMENTS) {
            throw new IllegalArgumentException("--warmup-statements must be 0 to " + MAX_WARMUP_STATEMENTS + ", not "
                    + warmupStatements);
        }
        if (embeddedThreads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, not " + embeddedThreads);
        }
        if (arrowBatchRows < 1) {
            throw new IllegalArgumentException("--arrow-batch-rows must be at least 1, not " + arrowBatchRows);
        }
    }

    public static BenchmarkOptions parse(String... args) {
        Path lake = null;
        String host = "127.0.0.1";
        int port = 31337;
        String user = "demo";
        String password = "demo";
        List<Integer> queries = IntStream.rangeClosed(1, TpchQueries.QUERY_COUNT).boxed().toList();
        int warmupStatements = 4000;
        int warmupRuns = 1;
        int runs = 3;
        boolean fetch = true;
        int threads = Runtime.getRuntime().availableProcessors();
        int arrowBatchRows = 65_536;
        for (int index = 0; index < args.length; index++) {
            String name = args[index];
            if (name.equals("--no-fetch")) {
                fetch = false;
                continue;
            }
            if (index + 1 >= args.length) {
                throw new IllegalArgumentException("Missing value after " + name + "\n" + USAGE);
            }
            String value = args[++index];
            switch (name) {
                case "--lake" -> lake = Path.of(value);
                case "--host" -> host = value;
                case "--port" -> port = parseNumber(name, value);
                case "--user" -> user = value;
                case "--password" -> password = value;
                case "--queries" -> queries = parseQueries(value);
                case "--runs" -> runs = parseNumber(name, value);
                case "--warmup-statements" -> warmupStatements = parseNumber(name, value);
                case "--warmup" -> warmupRuns = parseNumber(name, value);
                case "--threads" -> threads = parseNumber(name, value);
                case "--arrow-batch-rows" -> arrowBatchRows = parseNumber(name, value);
                default -> throw new IllegalArgumentException("Unknown option " + name + "\n" + USAGE);
            }
        }
        if (lake == null) {
            throw new IllegalArgumentException("--lake is required\n" + USAGE);
        }
        if (!Files.isDirectory(lake.resolve("tpch"))) {
            throw new IllegalArgumentException("--lake " + lake + " has no tpch folder; pass the folder the server"
                    + " was started with as --data");
        }
        return new BenchmarkOptions(
                lake, host, port, user, password, queries, warmupStatements, warmupRuns, runs, fetch, threads,
                arrowBatchRows);
    }

    private static int parseNumber(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'", e);
        }
    }

    /** Parses {@code 1,6,15} or {@code 1-22} or a mix such as {@code 1-5,15}. */
    private static List<Integer> parseQueries(String value) {
        List<Integer> queries = new ArrayList<>();
        for (String part : value.split(",")) {
            String[] range = part.split("-", 2);
            int first = parseNumber("--queries", range[0]);
            int last = range.length == 2 ? parseNumber("--queries", range[1]) : first;
            if (last < first) {
                throw new IllegalArgumentException("--queries range " + part + " is backwards");
            }
            IntStream.rangeClosed(first, last).forEach(queries::add);
        }
        return queries;
    }

    @Override
    public String toString() {
        // Never print the password.
        return "BenchmarkOptions[lake=" + lake + ", server=" + host + ":" + port + ", user=" + user
                + ", queries=" + queries + ", warmupRuns=" + warmupRuns + ", runs=" + runs + ", fetch=" + fetch
                + ", embeddedThreads=" + embeddedThreads + ", arrowBatchRows=" + arrowBatchRows + "]";
    }
}
