package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.testing.TestServer;
import dev.pondhouse.server.testing.TpchAnswers;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcConnection.GetObjectsDepth;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcDriver;
import org.apache.arrow.adbc.core.AdbcException;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.adbc.core.AdbcStatement.QueryResult;
import org.apache.arrow.adbc.driver.flightsql.FlightSqlConnectionProperties;
import org.apache.arrow.adbc.driver.flightsql.FlightSqlDriver;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The server through the ADBC Flight SQL driver: TPC-H answers, Arrow types, bound parameters and getObjects. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdbcFlightSqlTest {
    private BufferAllocator allocator;
    private AdbcDatabase database;
    private AdbcConnection connection;

    @BeforeAll
    void connect() throws AdbcException {
        allocator = new RootAllocator();
        Map<String, Object> parameters = new HashMap<>();
        AdbcDriver.PARAM_URI.set(parameters, "grpc+tcp://127.0.0.1:" + TestServer.shared().port());
        AdbcDriver.PARAM_USERNAME.set(parameters, TestServer.USER);
        AdbcDriver.PARAM_PASSWORD.set(parameters, TestServer.PASSWORD);
        // Prepared statements carry the session only through the server's cookie.
        FlightSqlConnectionProperties.WITH_COOKIE_MIDDLEWARE.set(parameters, true);
        database = new FlightSqlDriver(allocator).open(parameters);
        connection = database.connect();
    }

    @AfterAll
    void disconnect() throws Exception {
        AutoCloseables.close(connection, database, allocator);
    }

    static IntStream queries() {
        return TpchAnswers.queryNumbers();
    }

    @ParameterizedTest(name = "q{0}")
    @MethodSource("queries")
    void answersTpchQuery(int number) throws Exception {
        List<String> statements = TpchAnswers.statements(number);
        for (String setup : statements.subList(0, statements.size() - 1)) {
            try (AdbcStatement statement = connection.createStatement()) {
                statement.setSqlQuery(setup);
                statement.executeUpdate();
            }
        }
        TpchAnswers.assertAnswer(number, query(statements.get(statements.size() - 1)).rows());
    }

    @Test
    void typesTpchResultsWithArrowTypes() throws Exception {
        Schema pricingSummary = query(TpchAnswers.statements(1).get(0)).schema();
        assertThat(type(pricingSummary, "l_returnflag")).isEqualTo(ArrowType.Utf8.INSTANCE);
        for (String sum : List.of("sum_qty", "sum_base_price", "sum_disc_price", "sum_charge")) {
            assertThat(type(pricingSummary, sum)).as(sum).isInstanceOfSatisfying(ArrowType.Decimal.class,
                    decimal -> assertThat(decimal.getBitWidth()).isEqualTo(128));
        }
        assertThat(type(pricingSummary, "sum_qty")).isEqualTo(new ArrowType.Decimal(38, 2, 128));
        assertThat(type(pricingSummary, "avg_qty")).isEqualTo(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
        assertThat(type(pricingSummary, "count_order")).isEqualTo(new ArrowType.Int(64, true));

        Schema shippingPriority = query(TpchAnswers.statements(3).get(0)).schema();
        assertThat(type(shippingPriority, "l_orderkey")).isEqualTo(new ArrowType.Int(64, true));
        assertThat(type(shippingPriority, "o_orderdate")).isEqualTo(new ArrowType.Date(DateUnit.DAY));
        assertThat(type(shippingPriority, "o_shippriority")).isEqualTo(new ArrowType.Int(32, true));
    }

    @Test
    void bindsParametersToPreparedStatement() throws Exception {
        try (AdbcStatement statement = connection.createStatement()) {
            statement.setSqlQuery("""
                    SELECT count(*) AS lines FROM lineitem
                    WHERE l_linenumber = ? AND l_shipmode = ? AND l_quantity >= ? AND l_shipdate >= ?""");
            statement.prepare();
            Schema parameterSchema = statement.getParameterSchema();
            assertThat(parameterSchema.getFields()).hasSize(4);
            assertThat(parameterSchema.getFields().get(0).getType()).isInstanceOf(ArrowType.Int.class);
            assertThat(parameterSchema.getFields().get(1).getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
            assertThat(parameterSchema.getFields().get(2).getType()).isEqualTo(new ArrowType.Decimal(15, 2, 128));
            assertThat(parameterSchema.getFields().get(3).getType()).isEqualTo(new ArrowType.Date(DateUnit.DAY));

            try (VectorSchemaRoot parameters = VectorSchemaRoot.create(parameterSchema, allocator)) {
                setParameters(parameters, 3, "AIR", new BigDecimal("17.00"), LocalDate.of(1995, 1, 1));
                statement.bind(parameters);
                assertThat(singleLong(statement)).isPositive().isEqualTo(literalCount(
                        "l_linenumber = 3 AND l_shipmode = 'AIR' AND l_quantity >= 17.00 AND l_shipdate >= DATE '1995-01-01'"));

                // The same statement again with other values.
                setParameters(parameters, 5, "MAIL", new BigDecimal("40.00"), LocalDate.of(1993, 6, 30));
                statement.bind(parameters);
                assertThat(singleLong(statement)).isPositive().isEqualTo(literalCount(
                        "l_linenumber = 5 AND l_shipmode = 'MAIL' AND l_quantity >= 40.00 AND l_shipdate >= DATE '1993-06-30'"));
            }
        }
    }

    @Test
    void listsTpchTablesWithGetObjects() throws Exception {
        Map<String, String> tables = new HashMap<>();
        try (ArrowReader reader = connection.getObjects(GetObjectsDepth.TABLES, "pondhouse", "tpch", "%", null, null)) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                for (int row = 0; row < root.getRowCount(); row++) {
                    assertThat(text(root.getVector("catalog_name").getObject(row))).isEqualTo("pondhouse");
                    for (Object schema : (List<?>) root.getVector("catalog_db_schemas").getObject(row)) {
                        Map<?, ?> schemaFields = (Map<?, ?>) schema;
                        assertThat(text(schemaFields.get("db_schema_name"))).isEqualTo("tpch");
                        for (Object table : (List<?>) schemaFields.get("db_schema_tables")) {
                            Map<?, ?> tableFields = (Map<?, ?>) table;
                            tables.put(text(tableFields.get("table_name")), text(tableFields.get("table_type")));
                        }
                    }
                }
            }
        }
        assertThat(tables).containsOnlyKeys("customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier");
        assertThat(tables.values()).containsOnly("TABLE");
    }

    /**
     * The result schema without running the query (Flight SQL GetSchema). Column-level
     * {@code getObjects} is not tried here: on this test class path the ADBC driver's column
     * description calls the unshaded {@code SqlTypes} of flight-sql-jdbc-core, which the shaded
     * flight-sql-jdbc-driver jar replaces ({@code NoSuchMethodError}); ADBC Java's Flight SQL
     * connection does not implement {@code getTableSchema}.
     */
    @Test
    void describesResultSchemaWithoutRunningTheQuery() throws Exception {
        Schema lineitem;
        try (AdbcStatement statement = connection.createStatement()) {
            statement.setSqlQuery("SELECT * FROM lineitem");
            lineitem = statement.executeSchema();
        }
        assertThat(lineitem.getFields()).hasSize(16);
        assertThat(lineitem.getFields().get(0).getName()).isEqualTo("l_orderkey");
        assertThat(type(lineitem, "l_orderkey")).isEqualTo(new ArrowType.Int(64, true));
        assertThat(type(lineitem, "l_linenumber")).isEqualTo(new ArrowType.Int(32, true));
        assertThat(type(lineitem, "l_quantity")).isEqualTo(new ArrowType.Decimal(15, 2, 128));
        assertThat(type(lineitem, "l_shipdate")).isEqualTo(new ArrowType.Date(DateUnit.DAY));
        assertThat(type(lineitem, "l_comment")).isEqualTo(ArrowType.Utf8.INSTANCE);
    }

    private static void setParameters(VectorSchemaRoot parameters, long lineNumber, String shipMode, BigDecimal quantity,
            LocalDate shipDate) {
        parameters.allocateNew();
        ((BaseIntVector) parameters.getVector(0)).setWithPossibleTruncate(0, lineNumber);
        ((VarCharVector) parameters.getVector(1)).setSafe(0, shipMode.getBytes(StandardCharsets.UTF_8));
        ((DecimalVector) parameters.getVector(2)).setSafe(0, quantity);
        ((DateDayVector) parameters.getVector(3)).setSafe(0, Math.toIntExact(shipDate.toEpochDay()));
        parameters.setRowCount(1);
    }

    private long literalCount(String condition) throws Exception {
        List<List<Object>> rows = query("SELECT count(*) FROM lineitem WHERE " + condition).rows();
        assertThat(rows).hasSize(1);
        return (Long) rows.get(0).get(0);
    }

    private static long singleLong(AdbcStatement statement) throws Exception {
        try (QueryResult result = statement.executeQuery()) {
            List<List<Object>> rows = rows(result.getReader());
            assertThat(rows).hasSize(1);
            return (Long) rows.get(0).get(0);
        }
    }

    private Answer query(String sql) throws Exception {
        try (AdbcStatement statement = connection.createStatement()) {
            statement.setSqlQuery(sql);
            try (QueryResult result = statement.executeQuery()) {
                ArrowReader reader = result.getReader();
                Schema schema = reader.getVectorSchemaRoot().getSchema();
                return new Answer(schema, rows(reader));
            }
        }
    }

    /** Every row of the reader as Java values: dates as {@link LocalDate}, text as {@link String}. */
    private static List<List<Object>> rows(ArrowReader reader) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        while (reader.loadNextBatch()) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            for (int row = 0; row < root.getRowCount(); row++) {
                List<Object> values = new ArrayList<>();
                for (FieldVector vector : root.getFieldVectors()) {
                    values.add(value(vector, row));
                }
                rows.add(values);
            }
        }
        return rows;
    }

    private static Object value(FieldVector vector, int row) {
        if (vector.isNull(row)) {
            return null;
        }
        if (vector instanceof DateDayVector days) {
            return LocalDate.ofEpochDay(days.get(row));
        }
        Object value = vector.getObject(row);
        return value instanceof Text text ? text.toString() : value;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** The type of a field; {@link Schema#findField} fails naming the field when it is missing. */
    private static ArrowType type(Schema schema, String field) {
        return schema.findField(field).getType();
    }

    private record Answer(Schema schema, List<List<Object>> rows) {
        Answer {
            rows = List.copyOf(rows);
        }
    }
}
