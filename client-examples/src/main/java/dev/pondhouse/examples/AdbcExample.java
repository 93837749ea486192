package dev.pondhouse.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcDriver;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.adbc.driver.flightsql.FlightSqlConnectionProperties;
import org.apache.arrow.adbc.driver.flightsql.FlightSqlDriver;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Talking to Pondhouse with the ADBC Flight SQL driver ({@code org.apache.arrow.adbc:adbc-driver-flight-sql}).
 * Results arrive as Arrow record batches, column by column, without converting rows to Java objects.
 *
 * <p>Run it against a demo server ({@code java -jar pondhouse.jar demo --port 31337}):
 *
 * <pre>
 * java --add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED \
 *     -cp ... dev.pondhouse.examples.AdbcExample 127.0.0.1 31337 demo demo
 * </pre>
 */
@SuppressWarnings("try") // ADBC declares close() as throwing Exception, which javac flags in try-with-resources.
public final class AdbcExample {
    /** What the example saw; returned so that tests can check it. */
    public record Summary(long nationRows, List<String> firstNations, long lineitemRows, List<String> europeanNations) {
        public Summary {
            firstNations = List.copyOf(firstNations);
            europeanNations = List.copyOf(europeanNations);
        }
    }

    private static final int VALUES_TO_PRINT = 5;

    private static final String NATIONS_IN_REGION = """
            SELECT n.n_name
            FROM nation n JOIN region r ON n.n_regionkey = r.r_regionkey
            WHERE r.r_name = ?
            ORDER BY n.n_name""";

    private AdbcExample() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("Usage: AdbcExample HOST PORT USER PASSWORD");
            System.exit(2);
        }
        run(args[0], Integer.parseInt(args[1]), args[2], args[3], System.out);
    }

    public static Summary run(String host, int port, String user, String password, PrintStream out)
            throws Exception {
        Map<String, Object> parameters = new HashMap<>();
        // grpc+tcp is plaintext, as the demo server speaks; use grpc+tls against a TLS server.
        AdbcDriver.PARAM_URI.set(parameters, "grpc+tcp://" + host + ":" + port);
        AdbcDriver.PARAM_USERNAME.set(parameters, user);
        AdbcDriver.PARAM_PASSWORD.set(parameters, password);
        // Keep the server's cookies. ADBC Java (0.20) sends its bearer token on plain queries but not on
        // prepared-statement calls (apache/arrow-adbc#3582); Pondhouse also accepts the token as a cookie.
        FlightSqlConnectionProperties.WITH_COOKIE_MIDDLEWARE.set(parameters, true);

        try (BufferAllocator allocator = new RootAllocator();
                AdbcDatabase database = new FlightSqlDriver(allocator).open(parameters);
                AdbcConnection connection = database.connect()) {
            List<String> firstNations = new ArrayList<>();
            long nationRows = readNations(connection, firstNations, out);
            long lineitemRows = countLineitems(connection, out);
            List<String> europeanNations = nationsInRegion(connection, allocator, "EUROPE", out);
            return new Summary(nationRows, firstNations, lineitemRows, europeanNations);
        }
    }

    /** Reads every batch of a query, counting rows and keeping the first few names. */
    private static long readNations(AdbcConnection connection, List<String> firstNations, PrintStream out)
            throws Exception {
        long rows = 0;
        try (AdbcStatement statement = connection.createStatement()) {
            statement.setSqlQuery("SELECT n_nationkey, n_name FROM nation ORDER BY n_nationkey");
            try (AdbcStatement.QueryResult result = statement.executeQuery()) {
                ArrowReader reader = result.getReader();
                while (reader.loadNextBatch()) {
                    VectorSchemaRoot batch = reader.getVectorSchemaRoot();
                    FieldVector names = batch.getVector("n_name");
                    for (int row = 0; row < batch.getRowCount() && firstNations.size() < VALUES_TO_PRINT; row++) {
                        firstNations.add(String.valueOf(names.getObject(row)));
                    }
                    rows += batch.getRowCount();
                }
            }
        }
        out.printf("nation has %d rows; the first are %s%n", rows, String.join(", ", firstNations));
        return rows;
    }

    private static long countLineitems(AdbcConnection connection, PrintStream out) throws Exception {
        try (AdbcStatement statement = connection.createStatement()) {
            statement.setSqlQuery("SELECT count(*) AS line_count FROM lineitem");
            try (AdbcStatement.QueryResult result = statement.executeQuery()) {
                ArrowReader reader = result.getReader();
                if (!reader.loadNextBatch() || reader.getVectorSchemaRoot().getRowCount() != 1) {
                    throw new IllegalStateException("count(*) returned no row");
                }
                long rows = ((Number) reader.getVectorSchemaRoot().getVector(0).getObject(0)).longValue();
                out.printf("lineitem has %,d rows%n", rows);
                return rows;
            }
        }
    }

    /** A prepared statement whose parameter is bound as a one-row Arrow batch. */
    private static List<String> nationsInRegion(
            AdbcConnection connection, BufferAllocator allocator, String region, PrintStream out) throws Exception {
        Schema parameterSchema = new Schema(List.of(Field.nullable("region", ArrowType.Utf8.INSTANCE)));
        List<String> nations = new ArrayList<>();
        try (AdbcStatement statement = connection.createStatement();
                VectorSchemaRoot parameters = VectorSchemaRoot.create(parameterSchema, allocator)) {
            statement.setSqlQuery(NATIONS_IN_REGION);
            statement.prepare();

            ((VarCharVector) parameters.getVector(0)).setSafe(0, region.getBytes(UTF_8));
            parameters.setRowCount(1);
            statement.bind(parameters);

            try (AdbcStatement.QueryResult result = statement.executeQuery()) {
                ArrowReader reader = result.getReader();
                while (reader.loadNextBatch()) {
                    VectorSchemaRoot batch = reader.getVectorSchemaRoot();
                    for (int row = 0; row < batch.getRowCount(); row++) {
                        nations.add(String.valueOf(batch.getVector(0).getObject(row)));
                    }
                }
            }
        }
        out.printf("Nations in %s: %s%n", region, String.join(", ", nations));
        return nations;
    }
}
