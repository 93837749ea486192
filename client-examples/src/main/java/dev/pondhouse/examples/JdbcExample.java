package dev.pondhouse.examples;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Talking to Pondhouse with the Apache Arrow Flight SQL JDBC driver
 * ({@code org.apache.arrow:flight-sql-jdbc-driver}).
 *
 * <p>Run it against a demo server ({@code java -jar pondhouse.jar demo --port 31337}):
 *
 * <pre>
 * java --add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED \
 *     -cp ... dev.pondhouse.examples.JdbcExample 127.0.0.1 31337 demo demo
 * </pre>
 *
 * It lists the tables, runs a TPC-H style aggregation and a prepared statement with a parameter.
 */
public final class JdbcExample {
    /** What the example saw; returned so that tests can check it. */
    public record Summary(
            List<String> tables,
            long lineitemRows,
            List<ReturnFlagTotals> returnFlagTotals,
            List<String> europeanNations,
            List<String> asianNations) {
        public Summary {
            tables = List.copyOf(tables);
            returnFlagTotals = List.copyOf(returnFlagTotals);
            europeanNations = List.copyOf(europeanNations);
            asianNations = List.copyOf(asianNations);
        }
    }

    /** One row of the pricing summary: line items per return flag and line status. */
    public record ReturnFlagTotals(String returnFlag, String lineStatus, long lineCount, BigDecimal basePrice) {}

    private static final String PRICING_SUMMARY = """
            SELECT l_returnflag, l_linestatus, count(*) AS line_count, sum(l_extendedprice) AS base_price
            FROM lineitem
            GROUP BY l_returnflag, l_linestatus
            ORDER BY l_returnflag, l_linestatus""";

    private static final String NATIONS_IN_REGION = """
            SELECT n.n_name
            FROM nation n JOIN region r ON n.n_regionkey = r.r_regionkey
            WHERE r.r_name = ?
            ORDER BY n.n_name""";

    private JdbcExample() {}

    public static void main(String[] args) throws SQLException {
        if (args.length != 4) {
            System.err.println("Usage: JdbcExample HOST PORT USER PASSWORD");
            System.exit(2);
        }
        run(args[0], Integer.parseInt(args[1]), args[2], args[3], System.out);
    }

    public static Summary run(String host, int port, String user, String password, PrintStream out)
            throws SQLException {
        // The demo server speaks plaintext on loopback; against a TLS server drop useEncryption=false.
        String url = "jdbc:arrow-flight-sql://" + host + ":" + port + "/?useEncryption=false";
        Properties credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);

        try (Connection connection = DriverManager.getConnection(url, credentials)) {
            List<String> tables = listTables(connection.getMetaData(), out);
            long lineitemRows = countLineitems(connection, out);
            List<ReturnFlagTotals> totals = pricingSummary(connection, out);

            List<String> europeanNations;
            List<String> asianNations;
            // One prepared statement, executed twice with different parameter values.
            try (PreparedStatement statement = connection.prepareStatement(NATIONS_IN_REGION)) {
                europeanNations = nationsInRegion(statement, "EUROPE", out);
                asianNations = nationsInRegion(statement, "ASIA", out);
            }
            return new Summary(tables, lineitemRows, totals, europeanNations, asianNations);
        }
    }

    private static List<String> listTables(DatabaseMetaData metaData, PrintStream out) throws SQLException {
        List<String> tables = new ArrayList<>();
        out.println("Tables:");
        try (ResultSet resultSet = metaData.getTables(null, null, "%", null)) {
            while (resultSet.next()) {
                String catalog = resultSet.getString("TABLE_CAT");
                String schema = resultSet.getString("TABLE_SCHEM");
                String name = resultSet.getString("TABLE_NAME");
                out.printf("  %s.%s.%s (%s)%n", catalog, schema, name, resultSet.getString("TABLE_TYPE"));
                tables.add(schema + "." + name);
            }
        }
        return tables;
    }

    private static long countLineitems(Connection connection, PrintStream out) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("SELECT count(*) FROM lineitem")) {
            resultSet.next();
            long rows = resultSet.getLong(1);
            out.printf("lineitem has %,d rows%n", rows);
            return rows;
        }
    }

    private static List<ReturnFlagTotals> pricingSummary(Connection connection, PrintStream out)
            throws SQLException {
        List<ReturnFlagTotals> totals = new ArrayList<>();
        out.println("Pricing summary:");
        out.printf("  %-4s %-6s %12s %20s%n", "flag", "status", "lines", "base price");
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(PRICING_SUMMARY)) {
            while (resultSet.next()) {
                ReturnFlagTotals row = new ReturnFlagTotals(
                        resultSet.getString("l_returnflag"),
                        resultSet.getString("l_linestatus"),
                        resultSet.getLong("line_count"),
                        resultSet.getBigDecimal("base_price"));
                out.printf("  %-4s %-6s %12d %20s%n",
                        row.returnFlag(), row.lineStatus(), row.lineCount(), row.basePrice());
                totals.add(row);
            }
        }
        return totals;
    }

    private static List<String> nationsInRegion(PreparedStatement statement, String region, PrintStream out)
            throws SQLException {
        statement.setString(1, region);
        List<String> nations = new ArrayList<>();
        try (ResultSet resultSet = statement.executeQuery()) {
            while (resultSet.next()) {
                nations.add(resultSet.getString(1));
            }
        }
        out.printf("Nations in %s: %s%n", region, String.join(", ", nations));
        return nations;
    }
}
