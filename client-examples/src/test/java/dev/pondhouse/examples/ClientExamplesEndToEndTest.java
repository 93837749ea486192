package dev.pondhouse.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the examples and the benchmark against the real server jar, started as a child process at
 * TPC-H scale 0.01 (lineitem: 60,175 rows).
 */
class ClientExamplesEndToEndTest {
    private static final Path SERVER_JAR =
            Path.of(System.getProperty("pondhouse.server.jar", "../server/target/pondhouse.jar")).toAbsolutePath().normalize();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final String HOST = "127.0.0.1";
    private static final String USER = "demo";
    private static final String PASSWORD = "demo";
    private static final long LINEITEM_ROWS = 60_175;
    private static final List<String> TPCH_TABLES = TpchBenchmark.TABLES.stream().map(table -> "tpch." + table).toList();

    @TempDir
    static Path data;

    private static ServerProcess server;

    /** A failing test also shows what the server printed. */
    @RegisterExtension
    static final TestExecutionExceptionHandler SERVER_OUTPUT_ON_FAILURE = (context, failure) -> {
        if (server != null) {
            failure.addSuppressed(new Exception("The server is " + server.state() + "; its output (last lines):\n"
                    + server.output()));
        }
        throw failure;
    };

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerProcess.startDemo(SERVER_JAR, data, "0.01", READY_TIMEOUT);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void jdbcExampleListsTablesAggregatesAndBindsParameters() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        JdbcExample.Summary summary;
        try (PrintStream out = new PrintStream(printed, true, UTF_8)) {
            summary = JdbcExample.run(HOST, server.port(), USER, PASSWORD, out);
        }

        assertThat(summary.tables()).containsAll(TPCH_TABLES);
        assertThat(summary.lineitemRows()).isEqualTo(LINEITEM_ROWS);
        assertThat(summary.returnFlagTotals())
                .extracting(JdbcExample.ReturnFlagTotals::returnFlag, JdbcExample.ReturnFlagTotals::lineStatus)
                .containsExactly(tuple("A", "F"), tuple("N", "F"), tuple("N", "O"), tuple("R", "F"));
        assertThat(summary.returnFlagTotals().stream().mapToLong(JdbcExample.ReturnFlagTotals::lineCount).sum())
                .isEqualTo(LINEITEM_ROWS);
        assertThat(summary.returnFlagTotals()).allSatisfy(totals -> assertThat(totals.basePrice()).isPositive());
        assertThat(summary.europeanNations()).containsExactly("FRANCE", "GERMANY", "ROMANIA", "RUSSIA", "UNITED KINGDOM");
        assertThat(summary.asianNations()).containsExactly("CHINA", "INDIA", "INDONESIA", "JAPAN", "VIETNAM");
        assertThat(printed.toString(UTF_8))
                .contains("tpch.lineitem")
                .contains("Nations in EUROPE: FRANCE, GERMANY, ROMANIA, RUSSIA, UNITED KINGDOM");
    }

    @Test
    void adbcExampleReadsBatchesAndBindsParameters() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        AdbcExample.Summary summary;
        try (PrintStream out = new PrintStream(printed, true, UTF_8)) {
            summary = AdbcExample.run(HOST, server.port(), USER, PASSWORD, out);
        }

        assertThat(summary.nationRows()).isEqualTo(25);
        assertThat(summary.firstNations()).containsExactly("ALGERIA", "ARGENTINA", "BRAZIL", "CANADA", "EGYPT");
        assertThat(summary.lineitemRows()).isEqualTo(LINEITEM_ROWS);
        assertThat(summary.europeanNations()).containsExactly("FRANCE", "GERMANY", "ROMANIA", "RUSSIA", "UNITED KINGDOM");
        assertThat(printed.toString(UTF_8)).contains("nation has 25 rows; the first are ALGERIA, ARGENTINA");
    }

    @Test
    void everyValueOfNationReadsThroughJdbc() throws Exception {
        BenchmarkOptions options = BenchmarkOptions.parse(
                "--lake", data.toString(), "--port", Integer.toString(server.port()), "--user", USER, "--password", PASSWORD);
        try (Connection connection = TpchBenchmark.openServerJdbc(options);
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT * FROM nation")) {
            assertThat(ResultDigest.readAll(resultSet))
                    .usingRecursiveComparison().ignoringFields("valueHash")
                    .isEqualTo(new ResultDigest(25, 4, 100, 0));
        }
    }

    @Test
    void benchmarkRunsInTinyMode() throws Exception {
        BenchmarkOptions options = BenchmarkOptions.parse(
                "--lake", data.toString(), "--port", Integer.toString(server.port()), "--user", USER, "--password", PASSWORD,
                "--queries", "1,6,15", "--runs", "1", "--warmup", "0", "--warmup-statements", "3");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        BenchmarkReport report;
        try (PrintStream out = new PrintStream(printed, true, UTF_8)) {
            report = TpchBenchmark.run(options, out);
        }

        assertThat(report.queries())
                .extracting(
                        BenchmarkReport.QueryComparison::label,
                        query -> query.serverJdbc().digest().rows(),
                        query -> query.serverAdbc().digest().rows(),
                        query -> query.embedded().digest().rows())
                .containsExactly(tuple("q01", 4L, 4L, 4L), tuple("q06", 1L, 1L, 1L), tuple("q15", 1L, 1L, 1L));
        assertThat(report.queries()).allSatisfy(query -> assertThat(query.serverJdbc().runNanos()).hasSize(1));
        assertThat(report.totalJdbcRatio()).isPositive().isFinite();
        assertThat(report.totalAdbcRatio()).isPositive().isFinite();

        assertThat(report.fetch()).hasValueSatisfying(fetch -> {
            assertThat(fetch.measurements()).allSatisfy(measurement -> {
                assertThat(measurement.digest().rows()).isEqualTo(LINEITEM_ROWS);
                assertThat(measurement.digest().columns()).isEqualTo(16);
                assertThat(measurement.digest().nonNullValues()).isEqualTo(LINEITEM_ROWS * 16);
            });
            assertThat(fetch.jdbcRatio()).isPositive().isFinite();
            assertThat(fetch.arrowRatio()).isPositive().isFinite();
        });
        assertThat(printed.toString(UTF_8))
                .contains(BenchmarkReport.QUERY_HEADER)
                .containsPattern("(?m)^q15 ")
                .containsPattern("(?m)^RATIO tpch-total server-jdbc/embedded-duckdb = \\d")
                .containsPattern("(?m)^RATIO tpch-total server-adbc/embedded-duckdb = \\d")
                .containsPattern("(?m)^RATIO lineitem-fetch server-jdbc/embedded-duckdb-jdbc = \\d")
                .containsPattern("(?m)^RATIO lineitem-fetch server-adbc/embedded-duckdb-arrow = \\d");
    }

    @Test
    void all22TpchQueriesReadTheSameResultShapeThroughTheServerAsEmbedded() throws Exception {
        BenchmarkOptions options = BenchmarkOptions.parse(
                "--lake", data.toString(), "--port", Integer.toString(server.port()), "--user", USER, "--password", PASSWORD,
                "--runs", "1", "--warmup", "0", "--warmup-statements", "0", "--no-fetch");
        BenchmarkReport report;
        try (PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, UTF_8)) {
            // The benchmark fails when any side reads a result of another shape than the others.
            report = TpchBenchmark.run(options, out);
        }

        assertThat(report.queries()).hasSize(22);
        assertThat(report.fetch()).isEmpty();
    }
}
