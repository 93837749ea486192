package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Browsing the catalog the way DBeaver does it, through the Flight SQL JDBC driver's
 * {@link DatabaseMetaData}: catalogs, schemas, tables and columns with search patterns, keys, table
 * types, and type information.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcMetadataBrowsingTest {
    private static final List<String> TPCH_TABLES =
            List.of("customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier");
    private static final String INJECTION = "x' OR '1'='1";

    private Connection connection;
    private DatabaseMetaData metadata;

    @BeforeAll
    void connect() throws SQLException {
        connection = TestServer.shared().connect();
        metadata = connection.getMetaData();
    }

    @AfterAll
    void disconnect() throws SQLException {
        connection.close();
    }

    @Test
    void listsOnlyTheLakeCatalog() throws SQLException {
        assertThat(column(metadata.getCatalogs(), "TABLE_CAT")).containsExactly("pondhouse");
    }

    @Test
    void listsSchemasWithAndWithoutPatterns() throws SQLException {
        try (ResultSet schemas = metadata.getSchemas()) {
            assertThat(schemas.next()).isTrue();
            assertThat(schemas.getString("TABLE_SCHEM")).isEqualTo("tpch");
            assertThat(schemas.getString("TABLE_CATALOG")).isEqualTo("pondhouse");
            assertThat(schemas.next()).isFalse();
        }
        assertThat(column(metadata.getSchemas("pondhouse", "%"), "TABLE_SCHEM")).containsExactly("tpch");
        assertThat(column(metadata.getSchemas(null, "t%"), "TABLE_SCHEM")).containsExactly("tpch");
        assertThat(column(metadata.getSchemas("pondhouse", "tp_h"), "TABLE_SCHEM")).containsExactly("tpch");
        assertThat(column(metadata.getSchemas("pondhouse", "tpc"), "TABLE_SCHEM")).isEmpty();
        assertThat(column(metadata.getSchemas("pondhouse", "tpch_"), "TABLE_SCHEM")).isEmpty();
        assertThat(column(metadata.getSchemas("no_such_catalog", "%"), "TABLE_SCHEM")).isEmpty();
    }

    @Test
    void listsTablesByPatternAndType() throws SQLException {
        List<Map<String, Object>> all = rows(metadata.getTables(null, null, "%", null));
        assertThat(all).extracting(row -> row.get("TABLE_NAME")).containsExactlyElementsOf(TPCH_TABLES);
        assertThat(all).allSatisfy(row -> {
            assertThat(row.get("TABLE_CAT")).isEqualTo("pondhouse");
            assertThat(row.get("TABLE_SCHEM")).isEqualTo("tpch");
            assertThat(row.get("TABLE_TYPE")).isEqualTo("TABLE");
        });

        assertThat(column(metadata.getTables("pondhouse", "tpch", "part%", new String[] {"TABLE"}), "TABLE_NAME"))
                .containsExactly("part", "partsupp");
        assertThat(column(metadata.getTables(null, "tp%", "_ation", null), "TABLE_NAME")).containsExactly("nation");
        assertThat(column(metadata.getTables(null, null, "%", new String[] {"table"}), "TABLE_NAME"))
                .containsExactlyElementsOf(TPCH_TABLES);
        assertThat(column(metadata.getTables(null, null, "%", new String[] {"VIEW"}), "TABLE_NAME")).isEmpty();
        assertThat(column(metadata.getTables(null, null, "%", new String[] {"SYSTEM TABLE"}), "TABLE_NAME")).isEmpty();
        assertThat(column(metadata.getTables(null, "no_such_schema", "%", null), "TABLE_NAME")).isEmpty();
        assertThat(column(metadata.getTables("no_such_catalog", null, "%", null), "TABLE_NAME")).isEmpty();
    }

    @Test
    void escapedWildcardsMatchLiterally() throws SQLException {
        assertThat(column(metadata.getTables(null, null, "partsup_", null), "TABLE_NAME")).containsExactly("partsupp");
        assertThat(column(metadata.getTables(null, null, "partsup\\_", null), "TABLE_NAME")).isEmpty();
        assertThat(column(metadata.getTables(null, null, "line\\%", null), "TABLE_NAME")).isEmpty();
        assertThat(column(metadata.getSchemas("pondhouse", "tpc_"), "TABLE_SCHEM")).containsExactly("tpch");
        assertThat(column(metadata.getSchemas("pondhouse", "tpc\\_"), "TABLE_SCHEM")).isEmpty();
    }

    @Test
    void listsTemporaryTablesOfTheSession() throws SQLException {
        try (Connection own = TestServer.shared().connect(); Statement statement = own.createStatement()) {
            statement.execute("CREATE TEMP TABLE browse_scratch AS SELECT 1::INTEGER AS id");
            statement.execute("CREATE TEMP VIEW browse_view AS SELECT 1 AS id");
            DatabaseMetaData ownMetadata = own.getMetaData();

            List<Map<String, Object>> temporary = rows(ownMetadata.getTables(null, null, "browse%", null));
            assertThat(temporary).extracting(row -> row.get("TABLE_NAME") + " " + row.get("TABLE_TYPE"))
                    .containsExactlyInAnyOrder("browse_scratch LOCAL TEMPORARY", "browse_view VIEW");
            assertThat(column(ownMetadata.getTables(null, null, "browse%", new String[] {"LOCAL TEMPORARY"}), "TABLE_NAME"))
                    .containsExactly("browse_scratch");
            assertThat(column(ownMetadata.getColumns(null, null, "browse_scratch", "%"), "COLUMN_NAME")).containsExactly("id");
        }
        // Another session does not see them.
        assertThat(column(metadata.getTables(null, null, "browse%", null), "TABLE_NAME")).isEmpty();
    }

    @Test
    void describesColumnsWithJdbcTypes() throws SQLException {
        List<Map<String, Object>> columns = rows(metadata.getColumns(null, "tpch", "lineitem", "%"));
        assertThat(columns).extracting(row -> row.get("COLUMN_NAME")).containsExactly(
                "l_orderkey", "l_partkey", "l_suppkey", "l_linenumber", "l_quantity", "l_extendedprice", "l_discount",
                "l_tax", "l_returnflag", "l_linestatus", "l_shipdate", "l_commitdate", "l_receiptdate",
                "l_shipinstruct", "l_shipmode", "l_comment");
        assertThat(columns).extracting(row -> row.get("ORDINAL_POSITION"))
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        assertThat(columns).allSatisfy(row -> {
            assertThat(row.get("TABLE_CAT")).isEqualTo("pondhouse");
            assertThat(row.get("TABLE_SCHEM")).isEqualTo("tpch");
            assertThat(row.get("TABLE_NAME")).isEqualTo("lineitem");
            assertThat(row.get("NULLABLE")).isEqualTo(DatabaseMetaData.columnNullable);
            assertThat(row.get("IS_NULLABLE")).isEqualTo("YES");
        });

        Map<String, Object> quantity = columns.get(4);
        assertThat(quantity.get("DATA_TYPE")).isEqualTo(Types.DECIMAL);
        assertThat((String) quantity.get("TYPE_NAME")).startsWith("DECIMAL");
        assertThat(quantity.get("COLUMN_SIZE")).isEqualTo(15);
        assertThat(quantity.get("DECIMAL_DIGITS")).isEqualTo(2);
        assertThat(quantity.get("NUM_PREC_RADIX")).isEqualTo(10);

        assertType(columns.get(0), Types.BIGINT, "BIGINT");
        assertType(columns.get(3), Types.INTEGER, "INTEGER");
        assertType(columns.get(10), Types.DATE, "DATE");
        assertType(columns.get(15), Types.VARCHAR, "VARCHAR");
    }

    @Test
    void filtersColumnsByNamePattern() throws SQLException {
        assertThat(column(metadata.getColumns("pondhouse", "tpch", "lineitem", "l_ship%"), "COLUMN_NAME"))
                .containsExactly("l_shipdate", "l_shipinstruct", "l_shipmode");
        assertThat(column(metadata.getColumns(null, null, "lineitem", "%date"), "COLUMN_NAME"))
                .containsExactly("l_shipdate", "l_commitdate", "l_receiptdate");
        assertThat(column(metadata.getColumns(null, null, "lineitem", "l_tax"), "COLUMN_NAME")).containsExactly("l_tax");
        assertThat(column(metadata.getColumns(null, null, "lineitem", "no_such_column"), "COLUMN_NAME")).isEmpty();

        List<Map<String, Object>> keys = rows(metadata.getColumns(null, null, "%", "%key"));
        assertThat(keys).hasSize(15);
        assertThat(keys).extracting(row -> row.get("TABLE_NAME") + "." + row.get("COLUMN_NAME"))
                .contains("orders.o_orderkey", "partsupp.ps_suppkey", "region.r_regionkey")
                .doesNotContain("lineitem.l_linenumber");
    }

    /**
     * The lake has no keys. The JDBC driver skips empty batches, so an empty key listing arrives as
     * a result without columns; what matters is that the calls succeed and return no rows.
     */
    @Test
    void keysAreValidAndEmpty() throws SQLException {
        assertThat(rows(metadata.getPrimaryKeys(null, null, "%"))).isEmpty();
        assertThat(rows(metadata.getPrimaryKeys("pondhouse", "tpch", "lineitem"))).isEmpty();
        assertThat(rows(metadata.getImportedKeys("pondhouse", "tpch", "lineitem"))).isEmpty();
        assertThat(rows(metadata.getExportedKeys("pondhouse", "tpch", "orders"))).isEmpty();
        assertThat(rows(metadata.getCrossReference("pondhouse", "tpch", "orders", "pondhouse", "tpch", "lineitem"))).isEmpty();
    }

    @Test
    void listsTableTypes() throws SQLException {
        assertThat(column(metadata.getTableTypes(), "TABLE_TYPE")).containsExactly("LOCAL TEMPORARY", "TABLE", "VIEW");
    }

    /**
     * The JDBC driver 18.3.0 does not implement {@code getTypeInfo} (Avatica answers an empty
     * result without asking the server), so the server's answer is read with the Flight SQL client.
     */
    @Test
    void serverDescribesItsTypes() throws Exception {
        Map<String, Integer> types = new HashMap<>();
        try (BufferAllocator allocator = new RootAllocator()) {
            FlightClient client = FlightClient.builder(allocator,
                    Location.forGrpcInsecure("127.0.0.1", TestServer.shared().port())).build();
            // Closing the Flight SQL client closes the Flight client.
            try (FlightSqlClient sqlClient = new FlightSqlClient(client)) {
                Optional<CredentialCallOption> credentials = client.authenticateBasicToken(TestServer.USER, TestServer.PASSWORD);
                assertThat(credentials).isPresent();
                CallOption[] options = {credentials.get()};
                FlightInfo info = sqlClient.getXdbcTypeInfo(options);
                for (FlightEndpoint endpoint : info.getEndpoints()) {
                    try (FlightStream stream = sqlClient.getStream(endpoint.getTicket(), options)) {
                        while (stream.next()) {
                            readTypes(stream.getRoot(), types);
                        }
                    }
                }
            }
        }
        assertThat(types).containsEntry("VARCHAR", Types.VARCHAR)
                .containsEntry("INTEGER", Types.INTEGER)
                .containsEntry("BIGINT", Types.BIGINT)
                .containsEntry("DECIMAL", Types.DECIMAL)
                .containsEntry("DATE", Types.DATE)
                .containsEntry("TIMESTAMP", Types.TIMESTAMP);
    }

    private static void readTypes(VectorSchemaRoot root, Map<String, Integer> types) {
        VarCharVector names = (VarCharVector) root.getVector("type_name");
        IntVector dataTypes = (IntVector) root.getVector("data_type");
        for (int row = 0; row < root.getRowCount(); row++) {
            types.putIfAbsent(names.getObject(row).toString(), dataTypes.get(row));
        }
    }

    @Test
    void patternsContainingSqlMatchNothing() throws SQLException {
        assertThat(column(metadata.getSchemas("pondhouse", INJECTION), "TABLE_SCHEM")).isEmpty();
        assertThat(column(metadata.getTables(null, null, INJECTION, null), "TABLE_NAME")).isEmpty();
        assertThat(column(metadata.getTables(null, INJECTION, "%", null), "TABLE_NAME")).isEmpty();
        assertThat(column(metadata.getTables(INJECTION, null, "%", null), "TABLE_NAME")).isEmpty();
        assertThat(column(metadata.getTables(null, null, "%", new String[] {INJECTION}), "TABLE_NAME")).isEmpty();
        assertThat(column(metadata.getColumns(null, null, "lineitem" + INJECTION, "%"), "COLUMN_NAME")).isEmpty();
        assertThat(column(metadata.getPrimaryKeys(null, null, INJECTION), "COLUMN_NAME")).isEmpty();
        assertThat(column(metadata.getImportedKeys(null, null, INJECTION), "FKCOLUMN_NAME")).isEmpty();
        // Nothing was harmed.
        assertThat(column(metadata.getTables(null, null, "%", null), "TABLE_NAME")).containsExactlyElementsOf(TPCH_TABLES);
    }

    private static void assertType(Map<String, Object> row, int jdbcType, String typeName) {
        assertThat(row.get("DATA_TYPE")).as("DATA_TYPE of %s", row.get("COLUMN_NAME")).isEqualTo(jdbcType);
        assertThat(row.get("TYPE_NAME")).as("TYPE_NAME of %s", row.get("COLUMN_NAME")).isEqualTo(typeName);
    }

    private static List<String> columnLabels(ResultSet result) throws SQLException {
        List<String> labels = new ArrayList<>();
        for (int column = 1; column <= result.getMetaData().getColumnCount(); column++) {
            labels.add(result.getMetaData().getColumnLabel(column));
        }
        return labels;
    }

    /** All rows of a metadata result, column label to value; closes the result. */
    private static List<Map<String, Object>> rows(ResultSet result) throws SQLException {
        try (result) {
            List<String> labels = columnLabels(result);
            List<Map<String, Object>> rows = new ArrayList<>();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int column = 1; column <= labels.size(); column++) {
                    row.put(labels.get(column - 1), result.getObject(column));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static List<String> column(ResultSet result, String label) throws SQLException {
        try (result) {
            List<String> values = new ArrayList<>();
            while (result.next()) {
                values.add(result.getString(label));
            }
            return values;
        }
    }
}
