package dev.pondhouse.server.query.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCrossReference;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetExportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetImportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetPrimaryKeys;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeyMetadataTest {

    private static final String[] PRIMARY_KEY_COLUMNS =
            {"catalog_name", "db_schema_name", "table_name", "column_name", "key_sequence", "key_name"};
    private static final String[] FOREIGN_KEY_COLUMNS = {"pk_table_name", "pk_column_name", "fk_table_name",
            "fk_column_name", "key_sequence", "pk_key_name", "update_rule", "delete_rule"};
    private static final byte NO_ACTION = 3;

    private LakeDatabase database;
    private Connection session;
    private BufferAllocator allocator;
    private KeyMetadata keys;

    @BeforeEach
    void open() throws SQLException {
        database = LakeDatabase.open().execute(
                "CREATE SCHEMA pondhouse.shop",
                "CREATE TABLE pondhouse.shop.customer(id INTEGER PRIMARY KEY, region VARCHAR)",
                "CREATE TABLE pondhouse.shop.product(sku VARCHAR, variant INTEGER, PRIMARY KEY (sku, variant))",
                "CREATE TABLE pondhouse.shop.orders(id INTEGER PRIMARY KEY, "
                        + "customer_id INTEGER REFERENCES pondhouse.shop.customer(id), sku VARCHAR, variant INTEGER, "
                        + "FOREIGN KEY (sku, variant) REFERENCES pondhouse.shop.product(sku, variant))",
                "CREATE VIEW pondhouse.shop.order_view AS SELECT * FROM pondhouse.shop.orders",
                "CREATE TABLE memory.main.hidden(id INTEGER PRIMARY KEY)");
        session = database.newSession();
        allocator = new RootAllocator();
        keys = new KeyMetadata(allocator, LakeDatabase.LAKE);
    }

    @AfterEach
    void close() throws SQLException {
        session.close();
        allocator.close();
        database.close();
    }

    @Test
    void primaryKeysListKeyColumnsInOrder() throws SQLException {
        try (VectorSchemaRoot root = keys.primaryKeys(session, TableVisibility.ALL, primaryKeysOf("product"))) {
            assertThat(root.getSchema()).isEqualTo(Schemas.GET_PRIMARY_KEYS_SCHEMA);
            assertThat(RootContents.rows(root, PRIMARY_KEY_COLUMNS)).containsExactly(
                    List.of("pondhouse", "shop", "product", "sku", 1, "product_sku_variant_pkey"),
                    List.of("pondhouse", "shop", "product", "variant", 2, "product_sku_variant_pkey"));
        }
    }

    @Test
    void percentAsTableNameMeansEveryTable() throws SQLException {
        CommandGetPrimaryKeys command = CommandGetPrimaryKeys.newBuilder().setTable("%").build();

        try (VectorSchemaRoot root = keys.primaryKeys(session, TableVisibility.ALL, command)) {
            assertThat(RootContents.rows(root, "table_name", "column_name")).containsExactly(
                    List.of("customer", "id"), List.of("orders", "id"),
                    List.of("product", "sku"), List.of("product", "variant"));
        }
    }

    @Test
    void tableNamesAreExactNotPatterns() throws SQLException {
        try (VectorSchemaRoot root = keys.primaryKeys(session, TableVisibility.ALL, primaryKeysOf("cust_mer"))) {
            assertThat(root.getRowCount()).isZero();
        }
        CommandGetPrimaryKeys otherSchema = CommandGetPrimaryKeys.newBuilder()
                .setCatalog("pondhouse").setDbSchema("main").setTable("customer").build();
        try (VectorSchemaRoot root = keys.primaryKeys(session, TableVisibility.ALL, otherSchema)) {
            assertThat(root.getRowCount()).isZero();
        }
        CommandGetPrimaryKeys hostile = CommandGetPrimaryKeys.newBuilder().setTable("x' OR '1'='1").build();
        try (VectorSchemaRoot root = keys.primaryKeys(session, TableVisibility.ALL, hostile)) {
            assertThat(root.getRowCount()).isZero();
        }
    }

    @Test
    void lakeViewsAndUnservedCatalogsHaveNoKeys() throws SQLException {
        try (VectorSchemaRoot root = keys.primaryKeys(session, TableVisibility.ALL, primaryKeysOf("order_view"))) {
            assertThat(root.getRowCount()).isZero();
        }
        try (VectorSchemaRoot root = keys.primaryKeys(session, TableVisibility.ALL, primaryKeysOf("hidden"))) {
            assertThat(root.getRowCount()).isZero();
        }
        CommandGetImportedKeys imported = CommandGetImportedKeys.newBuilder().setTable("order_view").build();
        try (VectorSchemaRoot root = keys.importedKeys(session, TableVisibility.ALL, imported)) {
            assertThat(root.getSchema()).isEqualTo(Schemas.GET_IMPORTED_KEYS_SCHEMA);
            assertThat(root.getRowCount()).isZero();
        }
    }

    @Test
    void importedKeysListTheForeignKeysOfATable() throws SQLException {
        CommandGetImportedKeys command = CommandGetImportedKeys.newBuilder()
                .setCatalog("pondhouse").setDbSchema("shop").setTable("orders").build();

        try (VectorSchemaRoot root = keys.importedKeys(session, TableVisibility.ALL, command)) {
            assertThat(RootContents.rows(root, FOREIGN_KEY_COLUMNS)).containsExactly(
                    List.of("customer", "id", "orders", "customer_id", 1, "customer_id_pkey", NO_ACTION, NO_ACTION),
                    List.of("product", "sku", "orders", "sku", 1, "product_sku_variant_pkey", NO_ACTION, NO_ACTION),
                    List.of("product", "variant", "orders", "variant", 2, "product_sku_variant_pkey",
                            NO_ACTION, NO_ACTION));
            assertThat(RootContents.column(root, "pk_catalog_name")).containsOnly("pondhouse");
            assertThat(RootContents.column(root, "fk_db_schema_name")).containsOnly("shop");
            assertThat(RootContents.column(root, "fk_key_name")).doesNotContainNull();
        }
    }

    @Test
    void exportedKeysListForeignKeysReferencingATable() throws SQLException {
        CommandGetExportedKeys command = CommandGetExportedKeys.newBuilder().setTable("customer").build();

        try (VectorSchemaRoot root = keys.exportedKeys(session, TableVisibility.ALL, command)) {
            assertThat(root.getSchema()).isEqualTo(Schemas.GET_EXPORTED_KEYS_SCHEMA);
            assertThat(RootContents.rows(root, "pk_table_name", "pk_column_name", "fk_table_name", "fk_column_name"))
                    .containsExactly(List.of("customer", "id", "orders", "customer_id"));
        }
    }

    @Test
    void crossReferenceListsForeignKeysBetweenTwoTables() throws SQLException {
        CommandGetCrossReference command = CommandGetCrossReference.newBuilder()
                .setPkCatalog("pondhouse").setPkDbSchema("shop").setPkTable("product")
                .setFkCatalog("pondhouse").setFkDbSchema("shop").setFkTable("orders").build();
        CommandGetCrossReference reversed = CommandGetCrossReference.newBuilder()
                .setPkTable("orders").setFkTable("product").build();

        try (VectorSchemaRoot root = keys.crossReference(session, TableVisibility.ALL, command)) {
            assertThat(root.getSchema()).isEqualTo(Schemas.GET_CROSS_REFERENCE_SCHEMA);
            assertThat(RootContents.rows(root, "pk_column_name", "fk_column_name", "key_sequence"))
                    .containsExactly(List.of("sku", "sku", 1), List.of("variant", "variant", 2));
        }
        try (VectorSchemaRoot root = keys.crossReference(session, TableVisibility.ALL, reversed)) {
            assertThat(root.getRowCount()).isZero();
        }
    }

    @Test
    void keysOfHiddenTablesAreNotListed() throws SQLException {
        TableVisibility noCustomer = (catalog, schema, table) -> !table.equals("customer");
        CommandGetImportedKeys imported = CommandGetImportedKeys.newBuilder().setTable("orders").build();

        try (VectorSchemaRoot root = keys.importedKeys(session, noCustomer, imported)) {
            assertThat(RootContents.column(root, "pk_table_name")).containsOnly("product");
        }
        try (VectorSchemaRoot root = keys.primaryKeys(session, noCustomer, primaryKeysOf("customer"))) {
            assertThat(root.getRowCount()).isZero();
        }
    }

    @Test
    void temporaryTableKeysAreSeenOnlyByTheirSession() throws SQLException {
        try (Statement statement = session.createStatement()) {
            statement.execute("CREATE TEMP TABLE scratch_pad(id INTEGER PRIMARY KEY)");
        }

        try (VectorSchemaRoot root = keys.primaryKeys(session, TableVisibility.ALL, primaryKeysOf("scratch_pad"))) {
            assertThat(RootContents.rows(root, "catalog_name", "db_schema_name", "column_name"))
                    .containsExactly(List.of("temp", "main", "id"));
        }
        try (Connection otherSession = database.newSession();
                VectorSchemaRoot root = keys.primaryKeys(otherSession, TableVisibility.ALL,
                        primaryKeysOf("scratch_pad"))) {
            assertThat(root.getRowCount()).isZero();
        }
    }

    private static CommandGetPrimaryKeys primaryKeysOf(String table) {
        return CommandGetPrimaryKeys.newBuilder().setTable(table).build();
    }
}
