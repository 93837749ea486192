package dev.pondhouse.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcDriver;
import org.apache.arrow.adbc.core.AdbcException;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.adbc.driver.flightsql.FlightSqlConnectionProperties;
import org.apache.arrow.adbc.driver.flightsql.FlightSqlDriver;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBResultSet;

/**
 * Compares Pondhouse with embedded DuckDB reading the same Parquet files.
 *
 * <ul>
 *   <li>The 22 TPC-H queries (or a chosen subset) through the server with the Flight SQL JDBC driver,
 *       through the server with ADBC, and on a fresh in-memory DuckDB with views over the lake's files.
 *   <li>{@code SELECT * FROM lineitem} with every value of every row read: Flight SQL JDBC through the
 *       server against DuckDB's own JDBC driver (both {@code getObject} on every column), and ADBC through
 *       the server against DuckDB exporting Arrow in-process (both touching every value of every vector).
 * </ul>
 *
 * <p>Sides take turns (see {@link SideBySideTimer}); every time includes reading the whole result.
 * The server's DuckDB uses all cores, so the embedded DuckDB does too unless {@code --threads} says
 * otherwise. The server must be started on the same lake, e.g.
 * {@code java -jar pondhouse.jar demo --scale 1 --data /tmp/lake --port 31337}.
 */
@SuppressWarnings("try") // ADBC declares close() as throwing Exception, which javac flags in try-with-resources.
public final class TpchBenchmark {
    static final List<String> TABLES =
            List.of("customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier");

    private static final String FETCH_QUERY = "SELECT * FROM lineitem";

    /** Small statements for the warm-up, reading the column types the TPC-H results have. */
    private static final List<String> WARMUP_STATEMENTS = List.of(
            "SELECT * FROM nation",
            "SELECT o_orderkey, o_totalprice, o_orderdate, o_orderstatus FROM orders LIMIT 20",
            "SELECT r_name, count(*) AS nations FROM region JOIN nation ON n_regionkey = r_regionkey GROUP BY r_name");

    private TpchBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(options, System.out);
    }

    public static BenchmarkReport run(BenchmarkOptions options, PrintStream out) throws Exception {
        SideBySideTimer timer = new SideBySideTimer(options.warmupRuns(), options.runs());
        try (BufferAllocator allocator = new RootAllocator();
                BufferAllocator adbcAllocator = allocator.newChildAllocator("adbc", 0, Long.MAX_VALUE);
                BufferAllocator embeddedAllocator = allocator.newChildAllocator("embedded-arrow", 0, Long.MAX_VALUE);
                Connection serverJdbc = openServerJdbc(options);
                AdbcDatabase adbcDatabase = openServerAdbc(options, adbcAllocator);
                AdbcConnection serverAdbc = adbcDatabase.connect();
                Connection embedded = openEmbedded(options.lake(), options.embeddedThreads())) {
            printSetup(options, serverJdbc, embedded, out);

            QuerySide serverJdbcSide = new QuerySide("server, Flight SQL JDBC, getObject", sql -> readJdbc(serverJdbc, sql));
            QuerySide serverAdbcSide = new QuerySide("server, ADBC ArrowReader", sql -> readAdbc(serverAdbc, sql));
            QuerySide embeddedJdbcSide = new QuerySide("embedded DuckDB JDBC, getObject", sql -> readJdbc(embedded, sql));
            QuerySide embeddedArrowSide = new QuerySide("embedded DuckDB arrowExportStream",
                    sql -> readDuckDbArrow(embedded, embeddedAllocator, options.arrowBatchRows(), sql));

            warmUp(options.warmupStatements(), List.of(serverJdbcSide, serverAdbcSide, embeddedJdbcSide, embeddedArrowSide));

            List<BenchmarkReport.QueryComparison> comparisons = new ArrayList<>();
            if (!options.queries().isEmpty()) {
                out.println(BenchmarkReport.QUERY_HEADER);
            }
            for (TpchQueries.TpchQuery query : TpchQueries.load(options.queries())) {
                List<Measurement> measurements = timer.measure(
                        query.label(), query.sql(), List.of(serverJdbcSide, serverAdbcSide, embeddedJdbcSide));
                BenchmarkReport.QueryComparison comparison = new BenchmarkReport.QueryComparison(
                        query.label(), measurements.get(0), measurements.get(1), measurements.get(2));
                out.println(comparison.tableRow());
                comparisons.add(comparison);
            }

            Optional<BenchmarkReport.FetchComparison> fetch = Optional.empty();
            if (options.fetch()) {
                List<Measurement> measurements = timer.measure("lineitem fetch", FETCH_QUERY,
                        List.of(serverJdbcSide, embeddedJdbcSide, serverAdbcSide, embeddedArrowSide));
                fetch = Optional.of(new BenchmarkReport.FetchComparison(
                        measurements.get(0), measurements.get(1), measurements.get(2), measurements.get(3)));
            }

            BenchmarkReport report = new BenchmarkReport(comparisons, fetch);
            if (!comparisons.isEmpty()) {
                report.printQueryTotals(out);
            }
            report.printFetchTable(out);
            report.printSummary(out);
            return report;
        }
    }

    /** Runs {@code statements} small statements through each side, taking turns, results read and dropped. */
    private static void warmUp(int statements, List<QuerySide> sides) throws Exception {
        for (int statement = 0; statement < statements; statement++) {
            for (QuerySide side : sides) {
                side.runner().run(WARMUP_STATEMENTS.get(statement % WARMUP_STATEMENTS.size()));
            }
        }
    }

    static Connection openServerJdbc(BenchmarkOptions options) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", options.user());
        properties.setProperty("password", options.password());
        return DriverManager.getConnection(
                "jdbc:arrow-flight-sql://" + options.host() + ":" + options.port() + "/?useEncryption=false", properties);
    }

    static AdbcDatabase openServerAdbc(BenchmarkOptions options, BufferAllocator allocator) throws AdbcException {
        Map<String, Object> parameters = new HashMap<>();
        AdbcDriver.PARAM_URI.set(parameters, "grpc+tcp://" + options.host() + ":" + options.port());
        AdbcDriver.PARAM_USERNAME.set(parameters, options.user());
        AdbcDriver.PARAM_PASSWORD.set(parameters, options.password());
        // As in AdbcExample: cookies carry the token on calls where ADBC Java omits the bearer header.
        FlightSqlConnectionProperties.WITH_COOKIE_MIDDLEWARE.set(parameters, true);
        return new FlightSqlDriver(allocator).open(parameters);
    }

    /**
     * A fresh in-memory DuckDB with a view {@code tpch.<table>} over every table's Parquet files, and
     * {@code tpch} as the default schema, so the queries read the same as through the server.
     */
    static Connection openEmbedded(Path lake, int threads) throws SQLException, IOException {
        for (String table : TABLES) {
            requireParquetFiles(lake.resolve("tpch").resolve(table));
        }
        Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET threads = " + threads);
            statement.execute("CREATE SCHEMA tpch");
            for (String table : TABLES) {
                String files = lake.resolve("tpch").resolve(table).toAbsolutePath().toString().replace('\\', '/')
                        + "/**/*.parquet";
                statement.execute("CREATE VIEW tpch." + table + " AS SELECT * FROM read_parquet("
                        + sqlStringLiteral(files) + ")");
            }
            statement.execute("SET schema = 'tpch'");
            return connection;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    private static void requireParquetFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("No table folder " + folder
                    + "; pass the folder the server was started with (its --data) as --lake");
        }
        try (Stream<Path> files = Files.walk(folder)) {
            if (files.noneMatch(file -> file.getFileName().toString().endsWith(".parquet"))) {
                throw new IllegalArgumentException("No Parquet files under " + folder);
            }
        }
    }

    private static String sqlStringLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static void printSetup(BenchmarkOptions options, Connection serverJdbc, Connection embedded, PrintStream out)
            throws SQLException {
        out.println("Pondhouse TPC-H benchmark");
        out.printf("  lake:      %s (lineitem: %,d rows)%n", options.lake(), singleLong(embedded, "SELECT count(*) FROM lineitem"));
        out.printf("  server:    %s:%d as %s; its DuckDB threads: %s%n",
                options.host(), options.port(), options.user(), serverThreads(serverJdbc));
        out.printf("  embedded:  in-memory DuckDB %s, threads: %d, views over the same Parquet files%n",
                embedded.getMetaData().getDatabaseProductVersion(), options.embeddedThreads());
        out.printf("  runs:      %d small statements per side first, then %d warm-up + %d timed per query and side,%n",
                options.warmupStatements(), options.warmupRuns(), options.runs());
        out.println("             sides taking turns;");
        out.println("             times are medians in milliseconds and include reading every value of the result");
        out.println();
    }

    /**
     * The server's DuckDB uses all cores; this reads the setting back when the server lets this user
     * see it, and otherwise prints why not.
     */
    private static String serverThreads(Connection serverJdbc) {
        try {
            return Long.toString(singleLong(serverJdbc, "SELECT CAST(current_setting('threads') AS BIGINT)"));
        } catch (SQLException e) {
            return "not readable through the server (" + firstLine(e.getMessage())
                    + "); the server's DuckDB uses all cores";
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    private static long singleLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            if (!resultSet.next()) {
                throw new SQLException("No row from " + sql);
            }
            return resultSet.getLong(1);
        }
    }

    private static ResultDigest readJdbc(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            return ResultDigest.readAll(resultSet);
        }
    }

    private static ResultDigest readAdbc(AdbcConnection connection, String sql) throws Exception {
        try (AdbcStatement statement = connection.createStatement()) {
            statement.setSqlQuery(sql);
            try (AdbcStatement.QueryResult result = statement.executeQuery()) {
                return ResultDigest.readAll(result.getReader());
            }
        }
    }

    /** DuckDB hands its result over as Arrow through the C data interface, without leaving the process. */
    private static ResultDigest readDuckDbArrow(Connection connection, BufferAllocator allocator, int batchRows, String sql)
            throws SQLException, IOException {
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(sql);
                ArrowReader reader = (ArrowReader) resultSet.unwrap(DuckDBResultSet.class)
                        .arrowExportStream(allocator, batchRows)) {
            return ResultDigest.readAll(reader);
        }
    }
}
