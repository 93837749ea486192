package dev.pondhouse.server.query.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reads this package's answers through the real Apache Arrow Flight SQL JDBC driver. */
class FlightSqlJdbcDriverTest {

    private LakeDatabase database;
    private Connection session;
    private BufferAllocator allocator;
    private FlightServer server;
    private Connection client;

    @BeforeEach
    void start() throws Exception {
        database = LakeDatabase.open().execute(
                "CREATE SCHEMA pondhouse.tpch",
                "CREATE VIEW pondhouse.tpch.nation AS SELECT CAST(1 AS INTEGER) AS n_nationkey, 'FRANCE' AS n_name, "
                        + "CAST(1.5 AS DECIMAL(15,2)) AS n_price, TIMESTAMP '2024-01-01 00:00:00' AS n_updated, "
                        + "CAST('a' AS ENUM('a', 'b')) AS n_kind, [1, 2] AS n_list",
                "CREATE TABLE pondhouse.tpch.region(r_regionkey INTEGER PRIMARY KEY, r_name VARCHAR NOT NULL)",
                "CREATE TABLE pondhouse.tpch.country(c_key INTEGER, "
                        + "c_regionkey INTEGER REFERENCES pondhouse.tpch.region(r_regionkey))");
        session = database.newSession();
        allocator = new RootAllocator();
        server = FlightServer.builder(allocator, Location.forGrpcInsecure("localhost", 0),
                new MetadataOnlyFlightSqlProducer(allocator, session)).build().start();
        client = DriverManager.getConnection(
                "jdbc:arrow-flight-sql://localhost:" + server.getPort() + "/?useEncryption=false");
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.shutdown();
        server.awaitTermination();
        server.close();
        allocator.close();
        session.close();
        database.close();
    }

    @Test
    void driverListsCatalogsSchemasAndTables() throws SQLException {
        DatabaseMetaData metadata = client.getMetaData();

        assertThat(strings(metadata.getCatalogs(), "TABLE_CAT")).containsExactly("pondhouse");
        assertThat(strings(metadata.getSchemas(null, "%"), "TABLE_SCHEM")).containsExactly("tpch");
        assertThat(strings(metadata.getTables("pondhouse", "tpch", "%", new String[] {"TABLE"}), "TABLE_NAME"))
                .containsExactly("country", "nation", "region");
        assertThat(strings(metadata.getTableTypes(), "TABLE_TYPE"))
                .containsExactly("LOCAL TEMPORARY", "TABLE", "VIEW");
    }

    @Test
    void driverDerivesColumnsFromIncludedSchemas() throws SQLException {
        List<List<Object>> columns = new ArrayList<>();
        try (ResultSet result = client.getMetaData().getColumns("pondhouse", "tpch", "nation", "%")) {
            while (result.next()) {
                columns.add(List.of(result.getString("COLUMN_NAME"), result.getInt("DATA_TYPE"),
                        result.getString("TYPE_NAME"), result.getInt("ORDINAL_POSITION")));
            }
        }

        assertThat(columns).containsExactly(
                List.of("n_nationkey", Types.INTEGER, "INTEGER", 1),
                List.of("n_name", Types.VARCHAR, "VARCHAR", 2),
                List.of("n_price", Types.DECIMAL, "DECIMAL(15,2)", 3),
                List.of("n_updated", Types.TIMESTAMP, "TIMESTAMP", 4),
                List.of("n_kind", Types.VARCHAR, "ENUM('a', 'b')", 5),
                List.of("n_list", Types.ARRAY, "INTEGER[]", 6));
        try (ResultSet result = client.getMetaData().getColumns("pondhouse", "tpch", "nation", "n_price")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getInt("COLUMN_SIZE")).isEqualTo(15);
            assertThat(result.getInt("DECIMAL_DIGITS")).isEqualTo(2);
        }
        try (ResultSet result = client.getMetaData().getColumns("pondhouse", "tpch", "region", "r_name")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getInt("NULLABLE")).isEqualTo(DatabaseMetaData.columnNoNulls);
        }
    }

    @Test
    void driverReadsKeys() throws SQLException {
        DatabaseMetaData metadata = client.getMetaData();

        try (ResultSet result = metadata.getPrimaryKeys("pondhouse", "tpch", "region")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString("COLUMN_NAME")).isEqualTo("r_regionkey");
            assertThat(result.getInt("KEY_SEQ")).isEqualTo(1);
            assertThat(result.next()).isFalse();
        }
        try (ResultSet result = metadata.getImportedKeys("pondhouse", "tpch", "country")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString("PKTABLE_NAME")).isEqualTo("region");
            assertThat(result.getString("FKCOLUMN_NAME")).isEqualTo("c_regionkey");
            assertThat(result.getInt("UPDATE_RULE")).isEqualTo(DatabaseMetaData.importedKeyNoAction);
        }
        assertThat(strings(metadata.getPrimaryKeys("pondhouse", "tpch", "nation"), "COLUMN_NAME")).isEmpty();
    }

    /** The JDBC driver does not ask for type info (its getTypeInfo is Avatica's empty default); ADBC does. */
    @Test
    void flightSqlClientReadsTypeInfo() throws Exception {
        List<String> names = new ArrayList<>();
        try (FlightSqlClient flightSqlClient = new FlightSqlClient(
                FlightClient.builder(allocator, Location.forGrpcInsecure("localhost", server.getPort())).build())) {
            FlightInfo info = flightSqlClient.getXdbcTypeInfo(Types.VARCHAR);
            try (FlightStream stream = flightSqlClient.getStream(info.getEndpoints().get(0).getTicket())) {
                while (stream.next()) {
                    names.addAll(RootContents.column(stream.getRoot(), "type_name").stream()
                            .map(String.class::cast).toList());
                }
            }
        }

        assertThat(names).containsExactly("ENUM", "JSON", "UUID", "VARCHAR");
    }

    @Test
    void driverReadsSqlInfo() throws SQLException {
        DatabaseMetaData metadata = client.getMetaData();

        assertThat(metadata.getDatabaseProductName()).isEqualTo("Pondhouse");
        assertThat(metadata.getDatabaseProductVersion()).isEqualTo("0.1.0-test");
        assertThat(metadata.getIdentifierQuoteString()).isEqualTo("\"");
        assertThat(metadata.getSearchStringEscape()).isEqualTo("\\");
        assertThat(metadata.getSQLKeywords()).contains("QUALIFY");
        assertThat(metadata.getNumericFunctions()).contains("ABS");
        assertThat(metadata.getTimeDateFunctions()).contains("DATE_TRUNC");
        assertThat(metadata.isReadOnly()).isFalse();
        assertThat(metadata.supportsTransactions()).isTrue();
        assertThat(metadata.supportsSavepoints()).isFalse();
        assertThat(metadata.getDefaultTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
        assertThat(metadata.supportsTransactionIsolationLevel(Connection.TRANSACTION_REPEATABLE_READ)).isTrue();
        assertThat(metadata.supportsFullOuterJoins()).isTrue();
        assertThat(metadata.supportsLikeEscapeClause()).isTrue();
        assertThat(metadata.supportsConvert(Types.INTEGER, Types.VARCHAR)).isTrue();
        assertThat(metadata.supportsConvert(Types.DATE, Types.INTEGER)).isFalse();
        assertThat(metadata.getMaxColumnNameLength()).isZero();
        assertThat(metadata.getCatalogTerm()).isEqualTo("catalog");
        assertThat(metadata.supportsResultSetType(ResultSet.TYPE_FORWARD_ONLY)).isTrue();
    }

    private static List<String> strings(ResultSet result, String column) throws SQLException {
        List<String> values = new ArrayList<>();
        try (result) {
            while (result.next()) {
                values.add(result.getString(column));
            }
        }
        return values;
    }
}
