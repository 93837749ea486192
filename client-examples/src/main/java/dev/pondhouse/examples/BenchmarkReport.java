package dev.pondhouse.examples;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/** The measurements of one {@link TpchBenchmark} run, and how they are printed. */
public record BenchmarkReport(List<QueryComparison> queries, Optional<FetchComparison> fetch) {
    static final String QUERY_HEADER = String.format("%-7s %13s %13s %13s %10s %10s %8s",
            "query", "server JDBC", "server ADBC", "embedded", "JDBC/emb", "ADBC/emb", "rows");

    public BenchmarkReport {
        queries = List.copyOf(queries);
        requireNonNull(fetch, "fetch is null");
    }

    /** One TPC-H query through the server (JDBC and ADBC) and on embedded DuckDB (its JDBC driver). */
    public record QueryComparison(String label, Measurement serverJdbc, Measurement serverAdbc, Measurement embedded) {
        public QueryComparison {
            requireNonNull(label, "label is null");
            requireNonNull(serverJdbc, "serverJdbc is null");
            requireNonNull(serverAdbc, "serverAdbc is null");
            requireNonNull(embedded, "embedded is null");
        }

        String tableRow() {
            return formatRow(label, serverJdbc.medianMillis(), serverAdbc.medianMillis(), embedded.medianMillis(),
                    embedded.digest().rows());
        }
    }

    /** {@code SELECT * FROM lineitem} with every value read, through the server and embedded. */
    public record FetchComparison(
            Measurement serverJdbc, Measurement embeddedJdbc, Measurement serverAdbc, Measurement embeddedArrow) {
        public FetchComparison {
            requireNonNull(serverJdbc, "serverJdbc is null");
            requireNonNull(embeddedJdbc, "embeddedJdbc is null");
            requireNonNull(serverAdbc, "serverAdbc is null");
            requireNonNull(embeddedArrow, "embeddedArrow is null");
        }

        public double jdbcRatio() {
            return serverJdbc.medianMillis() / embeddedJdbc.medianMillis();
        }

        public double arrowRatio() {
            return serverAdbc.medianMillis() / embeddedArrow.medianMillis();
        }

        public List<Measurement> measurements() {
            return List.of(serverJdbc, embeddedJdbc, serverAdbc, embeddedArrow);
        }
    }

    public double totalServerJdbcMillis() {
        return queries.stream().mapToDouble(query -> query.serverJdbc().medianMillis()).sum();
    }

    public double totalServerAdbcMillis() {
        return queries.stream().mapToDouble(query -> query.serverAdbc().medianMillis()).sum();
    }

    public double totalEmbeddedMillis() {
        return queries.stream().mapToDouble(query -> query.embedded().medianMillis()).sum();
    }

    public double totalJdbcRatio() {
        return totalServerJdbcMillis() / totalEmbeddedMillis();
    }

    public double totalAdbcRatio() {
        return totalServerAdbcMillis() / totalEmbeddedMillis();
    }

    /** The totals row that ends the query table. */
    void printQueryTotals(PrintStream out) {
        out.println(formatRow("total", totalServerJdbcMillis(), totalServerAdbcMillis(), totalEmbeddedMillis(),
                queries.stream().mapToLong(query -> query.embedded().digest().rows()).sum()));
    }

    void printFetchTable(PrintStream out) {
        fetch.ifPresent(comparison -> {
            out.printf("%nSELECT * FROM lineitem, every value of every row read (%s)%n",
                    comparison.serverJdbc().digest().describe());
            out.printf("%-48s %12s %14s%n", "path", "median ms", "rows/s");
            for (Measurement measurement : comparison.measurements()) {
                double rowsPerSecond = measurement.digest().rows() / (measurement.medianMillis() / 1000.0);
                out.printf("%-48s %12.1f %,14.0f%n", measurement.side(), measurement.medianMillis(), rowsPerSecond);
            }
        });
    }

    /** One line per ratio, easy to grep: {@code RATIO <what> <numerator>/<denominator> = <value>}. */
    void printSummary(PrintStream out) {
        out.println();
        if (!queries.isEmpty()) {
            out.printf("RATIO tpch-total server-jdbc/embedded-duckdb = %.2f (%d queries, sum of medians)%n",
                    totalJdbcRatio(), queries.size());
            out.printf("RATIO tpch-total server-adbc/embedded-duckdb = %.2f (%d queries, sum of medians)%n",
                    totalAdbcRatio(), queries.size());
        }
        fetch.ifPresent(comparison -> {
            out.printf("RATIO lineitem-fetch server-jdbc/embedded-duckdb-jdbc = %.2f%n", comparison.jdbcRatio());
            out.printf("RATIO lineitem-fetch server-adbc/embedded-duckdb-arrow = %.2f%n", comparison.arrowRatio());
        });
    }

    private static String formatRow(String label, double jdbcMillis, double adbcMillis, double embeddedMillis, long rows) {
        return String.format("%-7s %13.1f %13.1f %13.1f %9.2fx %9.2fx %8d", label, jdbcMillis, adbcMillis,
                embeddedMillis, jdbcMillis / embeddedMillis, adbcMillis / embeddedMillis, rows);
    }
}
