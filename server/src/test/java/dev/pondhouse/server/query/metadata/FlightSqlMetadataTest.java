package dev.pondhouse.server.query.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.DictionaryUtility;
import org.duckdb.DuckDBResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FlightSqlMetadataTest {

    private static final CommandGetTables ALL_TABLES = CommandGetTables.getDefaultInstance();

    private LakeDatabase database;
    private Connection session;
    private BufferAllocator allocator;
    private FlightSqlMetadata metadata;

    @BeforeEach
    void open() throws SQLException {
        database = LakeDatabase.open().execute(
                "CREATE SCHEMA pondhouse.tpch",
                "CREATE SCHEMA pondhouse.sales",
                "CREATE SCHEMA pondhouse.empty_schema",
                "CREATE VIEW pondhouse.tpch.nation AS SELECT 1 AS n_nationkey, 'FRANCE' AS n_name, "
                        + "CAST(1.5 AS DECIMAL(15,2)) AS n_price, TIMESTAMPTZ '2024-01-01 00:00:00+00' AS n_updated, "
                        + "CAST('a' AS ENUM('a', 'b')) AS n_kind, {'x': CAST('p' AS ENUM('p'))} AS n_detail",
                "CREATE VIEW pondhouse.tpch.my_table AS SELECT 1 AS id",
                "CREATE VIEW pondhouse.tpch.myxtable AS SELECT 1 AS id",
                "CREATE VIEW pondhouse.sales.orders AS SELECT 42::BIGINT AS o_orderkey",
                "CREATE TABLE pondhouse.sales.customer(c_custkey INTEGER NOT NULL, c_name VARCHAR)",
                "COMMENT ON COLUMN pondhouse.sales.customer.c_name IS 'customer name'",
                "CREATE TABLE memory.main.scratch(x INTEGER)");
        session = database.newSession();
        allocator = new RootAllocator();
        metadata = new FlightSqlMetadata(allocator, LakeDatabase.LAKE);
    }

    @AfterEach
    void close() throws SQLException {
        session.close();
        allocator.close();
        database.close();
    }

    @Test
    void catalogsListOnlyTheLakeWhenTheSessionHasNoTemporaryObjects() throws SQLException {
        try (VectorSchemaRoot root = metadata.catalogs(session, TableVisibility.ALL)) {
            assertThat(root.getSchema()).isEqualTo(Schemas.GET_CATALOGS_SCHEMA);
            assertThat(RootContents.column(root, "catalog_name")).containsExactly("pondhouse");
        }
    }

    @Test
    void catalogsIncludeTempWhenTheSessionHasTemporaryObjects() throws SQLException {
        execute(session, "CREATE TEMP TABLE scratch_pad(x INTEGER)");

        try (VectorSchemaRoot root = metadata.catalogs(session, TableVisibility.ALL)) {
            assertThat(RootContents.column(root, "catalog_name")).containsExactly("pondhouse", "temp");
        }
    }

    @Test
    void schemasListThoseHoldingTablesAndNeverDuckDbInternals() throws SQLException {
        try (VectorSchemaRoot root = metadata.schemas(session, TableVisibility.ALL,
                CommandGetDbSchemas.getDefaultInstance())) {
            assertThat(root.getSchema()).isEqualTo(Schemas.GET_SCHEMAS_SCHEMA);
            assertThat(RootContents.rows(root, "catalog_name", "db_schema_name")).containsExactly(
                    List.of("pondhouse", "sales"), List.of("pondhouse", "tpch"));
        }
    }

    @Test
    void schemasFilterByExactCatalogAndSchemaPattern() throws SQLException {
        assertThat(schemaNames(CommandGetDbSchemas.newBuilder().setDbSchemaFilterPattern("tp%").build()))
                .containsExactly("tpch");
        assertThat(schemaNames(CommandGetDbSchemas.newBuilder().setDbSchemaFilterPattern("sale_").build()))
                .containsExactly("sales");
        assertThat(schemaNames(CommandGetDbSchemas.newBuilder().setCatalog("pondhouse").build()))
                .containsExactly("sales", "tpch");
        assertThat(schemaNames(CommandGetDbSchemas.newBuilder().setCatalog("pond%").build())).isEmpty();
        assertThat(schemaNames(CommandGetDbSchemas.newBuilder().setCatalog("memory").build())).isEmpty();
        assertThat(schemaNames(CommandGetDbSchemas.newBuilder().setCatalog("system").build())).isEmpty();
        assertThat(schemaNames(CommandGetDbSchemas.newBuilder().setCatalog("").build())).isEmpty();
    }

    @Test
    void tablesReportLakeViewsAsTablesAndTemporaryObjectsByKind() throws SQLException {
        execute(session, "CREATE TEMP TABLE scratch_pad(x INTEGER)", "CREATE TEMP VIEW recent AS SELECT 1 AS y");

        try (VectorSchemaRoot root = metadata.tables(session, TableVisibility.ALL, ALL_TABLES)) {
            assertThat(root.getSchema()).isEqualTo(Schemas.GET_TABLES_SCHEMA_NO_SCHEMA);
            assertThat(RootContents.rows(root, "catalog_name", "db_schema_name", "table_name", "table_type"))
                    .containsExactly(
                            List.of("pondhouse", "sales", "customer", "TABLE"),
                            List.of("pondhouse", "sales", "orders", "TABLE"),
                            List.of("pondhouse", "tpch", "my_table", "TABLE"),
                            List.of("pondhouse", "tpch", "myxtable", "TABLE"),
                            List.of("pondhouse", "tpch", "nation", "TABLE"),
                            List.of("temp", "main", "recent", "VIEW"),
                            List.of("temp", "main", "scratch_pad", "LOCAL TEMPORARY"));
        }
    }

    @Test
    void tableTypesFilterMatchesTheReportedTypes() throws SQLException {
        execute(session, "CREATE TEMP TABLE scratch_pad(x INTEGER)", "CREATE TEMP VIEW recent AS SELECT 1 AS y");

        assertThat(tableNames(CommandGetTables.newBuilder().addTableTypes("VIEW").build()))
                .containsExactly("recent");
        assertThat(tableNames(CommandGetTables.newBuilder().addTableTypes("LOCAL TEMPORARY").build()))
                .containsExactly("scratch_pad");
        assertThat(tableNames(CommandGetTables.newBuilder().addTableTypes("table").build()))
                .containsExactly("customer", "orders", "my_table", "myxtable", "nation");
        assertThat(tableNames(CommandGetTables.newBuilder().addTableTypes("VIEW").addTableTypes("LOCAL TEMPORARY")
                .build())).containsExactly("recent", "scratch_pad");
        assertThat(tableNames(CommandGetTables.newBuilder().addTableTypes("SYSTEM TABLE").build())).isEmpty();
    }

    @Test
    void tablePatternsFollowJdbcSemantics() throws SQLException {
        assertThat(tableNames(tablesNamed("my_table"))).containsExactly("my_table", "myxtable");
        assertThat(tableNames(tablesNamed("my\\_table"))).containsExactly("my_table");
        assertThat(tableNames(tablesNamed("%a%"))).containsExactly("my_table", "myxtable", "nation");
        assertThat(tableNames(tablesNamed("NATION"))).as("patterns are case-sensitive").isEmpty();
        assertThat(tableNames(tablesNamed("nation\\"))).as("trailing escape is a literal backslash").isEmpty();
        assertThat(tableNames(CommandGetTables.newBuilder().setCatalog("pondhouse")
                .setDbSchemaFilterPattern("sales").setTableNameFilterPattern("%").build()))
                .containsExactly("customer", "orders");
    }

    @Test
    void sqlInPatternsMatchesNothingAndDoesNoHarm() throws SQLException {
        String hostile = "x' OR '1'='1";

        assertThat(tableNames(tablesNamed(hostile))).isEmpty();
        assertThat(tableNames(CommandGetTables.newBuilder().setDbSchemaFilterPattern(hostile).build())).isEmpty();
        assertThat(tableNames(CommandGetTables.newBuilder().setCatalog(hostile).build())).isEmpty();
        assertThat(tableNames(tablesNamed("'; DROP VIEW pondhouse.tpch.nation; --"))).isEmpty();
        assertThat(tableNames(tablesNamed("nation"))).containsExactly("nation");
    }

    @Test
    void includeSchemaCarriesEachTableTypedAsDuckDbExportsIt() throws Exception {
        CommandGetTables command = CommandGetTables.newBuilder()
                .setDbSchemaFilterPattern("%").setTableNameFilterPattern("nation").setIncludeSchema(true).build();

        Schema schema;
        try (VectorSchemaRoot root = metadata.tables(session, TableVisibility.ALL, command)) {
            assertThat(root.getSchema()).isEqualTo(Schemas.GET_TABLES_SCHEMA);
            assertThat(root.getRowCount()).isEqualTo(1);
            schema = deserialize(((VarBinaryVector) root.getVector("table_schema")).get(0));
        }

        Schema exported = exportedSchema("SELECT * FROM pondhouse.tpch.nation");
        assertThat(schema.getFields()).extracting(Field::getName)
                .containsExactly("n_nationkey", "n_name", "n_price", "n_updated", "n_kind", "n_detail");
        for (Field expected : exported.getFields()) {
            Field actual = schema.findField(expected.getName());
            assertThat(actual.getType()).as(expected.getName()).isEqualTo(expected.getType());
            assertThat(actual.getDictionary()).as(expected.getName()).isEqualTo(expected.getDictionary());
            assertThat(actual.getChildren()).as(expected.getName()).isEqualTo(expected.getChildren());
        }
        FlightSqlColumnMetadata price = new FlightSqlColumnMetadata(schema.findField("n_price").getMetadata());
        assertThat(price.getTypeName()).isEqualTo("DECIMAL(15,2)");
        assertThat(price.getPrecision()).isEqualTo(15);
        assertThat(price.getScale()).isEqualTo(2);
        assertThat(price.getCatalogName()).isEqualTo("pondhouse");
        assertThat(price.getSchemaName()).isEqualTo("tpch");
        assertThat(price.getTableName()).isEqualTo("nation");
        assertThat(price.isReadOnly()).isTrue();
        assertThat(new FlightSqlColumnMetadata(schema.findField("n_updated").getMetadata()).getTypeName())
                .isEqualTo("TIMESTAMP WITH TIME ZONE");
    }

    @Test
    void includeSchemaReportsNullabilityCommentsAndWritableTemporaryTables() throws Exception {
        execute(session, "CREATE TEMP TABLE scratch_pad(x INTEGER NOT NULL, y VARCHAR)");
        CommandGetTables command = CommandGetTables.newBuilder().setIncludeSchema(true).build();

        List<Schema> schemas = new ArrayList<>();
        List<Object> names;
        try (VectorSchemaRoot root = metadata.tables(session, TableVisibility.ALL, command)) {
            names = RootContents.column(root, "table_name");
            for (int row = 0; row < root.getRowCount(); row++) {
                schemas.add(deserialize(((VarBinaryVector) root.getVector("table_schema")).get(row)));
            }
        }

        Schema customer = schemas.get(names.indexOf("customer"));
        assertThat(customer.findField("c_custkey").isNullable()).isFalse();
        assertThat(customer.findField("c_name").isNullable()).isTrue();
        assertThat(new FlightSqlColumnMetadata(customer.findField("c_name").getMetadata()).getRemarks())
                .isEqualTo("customer name");
        Schema scratchPad = schemas.get(names.indexOf("scratch_pad"));
        assertThat(scratchPad.getFields()).extracting(Field::getName).containsExactly("x", "y");
        FlightSqlColumnMetadata x = new FlightSqlColumnMetadata(scratchPad.findField("x").getMetadata());
        assertThat(x.isReadOnly()).isFalse();
        assertThat(x.getCatalogName()).isEqualTo("temp");
        assertThat(scratchPad.findField("y").getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
    }

    @Test
    void includeSchemaUsesTheSessionTimeZone() throws Exception {
        execute(session, "SET TimeZone = 'Asia/Tokyo'");
        CommandGetTables command = CommandGetTables.newBuilder()
                .setTableNameFilterPattern("nation").setIncludeSchema(true).build();

        try (VectorSchemaRoot root = metadata.tables(session, TableVisibility.ALL, command)) {
            Schema schema = deserialize(((VarBinaryVector) root.getVector("table_schema")).get(0));
            assertThat(((ArrowType.Timestamp) schema.findField("n_updated").getType()).getTimezone())
                    .isEqualTo("Asia/Tokyo");
        }
    }

    @Test
    void visibilityHidesTablesAndSchemasLeftEmpty() throws SQLException {
        TableVisibility noSales = (catalog, schema, table) -> !schema.equals("sales");
        TableVisibility onlyNation = (catalog, schema, table) -> table.equals("nation");

        assertThat(tableNames(metadata, noSales, ALL_TABLES)).containsExactly("my_table", "myxtable", "nation");
        try (VectorSchemaRoot root = metadata.schemas(session, noSales, CommandGetDbSchemas.getDefaultInstance())) {
            assertThat(RootContents.column(root, "db_schema_name")).containsExactly("tpch");
        }
        assertThat(tableNames(metadata, onlyNation, ALL_TABLES)).containsExactly("nation");
        try (VectorSchemaRoot root = metadata.catalogs(session, (catalog, schema, table) -> false)) {
            assertThat(root.getRowCount()).isZero();
        }
    }

    @Test
    void visibilityIsAskedAboutTemporaryObjectsToo() throws SQLException {
        execute(session, "CREATE TEMP TABLE scratch_pad(x INTEGER)");
        TableVisibility lakeOnly = (catalog, schema, table) -> catalog.equals("pondhouse");

        try (VectorSchemaRoot root = metadata.catalogs(session, lakeOnly)) {
            assertThat(RootContents.column(root, "catalog_name")).containsExactly("pondhouse");
        }
    }

    @Test
    void temporaryObjectsOfOneSessionAreInvisibleToAnother() throws SQLException {
        execute(session, "CREATE TEMP TABLE scratch_pad(x INTEGER)", "CREATE TEMP VIEW recent AS SELECT 1 AS y");

        try (Connection otherSession = database.newSession()) {
            assertThat(tableNames(metadata, TableVisibility.ALL, ALL_TABLES, otherSession))
                    .doesNotContain("scratch_pad", "recent");
            try (VectorSchemaRoot root = metadata.catalogs(otherSession, TableVisibility.ALL)) {
                assertThat(RootContents.column(root, "catalog_name")).containsExactly("pondhouse");
            }
        }
        assertThat(tableNames(tablesNamed("%"))).contains("scratch_pad", "recent");
    }

    @Test
    void tableTypesListsWhatTablesReport() {
        try (VectorSchemaRoot root = metadata.tableTypes()) {
            assertThat(root.getSchema()).isEqualTo(Schemas.GET_TABLE_TYPES_SCHEMA);
            assertThat(RootContents.column(root, "table_type")).containsExactly("LOCAL TEMPORARY", "TABLE", "VIEW");
        }
    }

    @Test
    void duckDbOwnCatalogsCannotBeServedAsTheLake() {
        for (String reserved : List.of("temp", "system", "memory", "TEMP", " ")) {
            assertThatThrownBy(() -> new FlightSqlMetadata(allocator, reserved))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private List<Object> schemaNames(CommandGetDbSchemas command) throws SQLException {
        try (VectorSchemaRoot root = metadata.schemas(session, TableVisibility.ALL, command)) {
            return RootContents.column(root, "db_schema_name");
        }
    }

    private List<Object> tableNames(CommandGetTables command) throws SQLException {
        return tableNames(metadata, TableVisibility.ALL, command, session);
    }

    private List<Object> tableNames(FlightSqlMetadata source, TableVisibility visibility, CommandGetTables command)
            throws SQLException {
        return tableNames(source, visibility, command, session);
    }

    private static List<Object> tableNames(FlightSqlMetadata source, TableVisibility visibility,
            CommandGetTables command, Connection connection) throws SQLException {
        try (VectorSchemaRoot root = source.tables(connection, visibility, command)) {
            return RootContents.column(root, "table_name");
        }
    }

    private static CommandGetTables tablesNamed(String pattern) {
        return CommandGetTables.newBuilder().setTableNameFilterPattern(pattern).build();
    }

    private static void execute(Connection connection, String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Reads an IPC schema message the way the Flight SQL JDBC driver's getColumns does. */
    private static Schema deserialize(byte[] message) throws IOException {
        return MessageSerializer.deserializeSchema(
                new ReadChannel(Channels.newChannel(new ByteArrayInputStream(message))));
    }

    private Schema exportedSchema(String query) throws Exception {
        try (Statement statement = session.createStatement();
                ResultSet result = statement.executeQuery(query);
                ArrowReader reader = (ArrowReader) ((DuckDBResultSet) result).arrowExportStream(allocator, 1024)) {
            List<Field> fields = new ArrayList<>();
            for (Field field : reader.getVectorSchemaRoot().getSchema().getFields()) {
                fields.add(DictionaryUtility.toMessageFormat(field, reader, new HashSet<>()));
            }
            return new Schema(fields);
        }
    }
}
