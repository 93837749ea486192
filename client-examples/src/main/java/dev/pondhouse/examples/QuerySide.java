package dev.pondhouse.examples;

import static java.util.Objects.requireNonNull;

/** One way of running a query in the benchmark, such as "JDBC through the server" or "embedded DuckDB". */
public record QuerySide(String name, Runner runner) {
    /** Runs one query and reads its whole result. */
    @FunctionalInterface
    public interface Runner {
        ResultDigest run(String sql) throws Exception;
    }

    public QuerySide {
        requireNonNull(name, "name is null");
        requireNonNull(runner, "runner is null");
    }
}
