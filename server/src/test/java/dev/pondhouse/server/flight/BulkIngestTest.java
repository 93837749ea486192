package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.lake.delta.KernelTableReader;
import dev.pondhouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcDriver;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.adbc.core.BulkIngestMode;
import org.apache.arrow.adbc.driver.flightsql.FlightSqlConnectionProperties;
import org.apache.arrow.adbc.driver.flightsql.FlightSqlDriver;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.ExecuteIngestOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flight SQL bulk ingest ({@code CommandStatementIngest}, what ADBC's {@code adbc_ingest} sends) on a
 * server with its own lake and access rules: create, append, replace and fail-if-exists as one Delta
 * commit each, the rows readable through JDBC right after and by Delta Kernel, the {@code write}
 * privilege required, and a resent request with the same transaction written once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkIngestTest {
    private static final String RULES = """
            rules:
              - users: [writer]
                tables: ["sales.*"]
                privileges: [read, write]
              - users: [reader]
                tables: ["sales.*"]
                privileges: [read]
            """;
    private static final Schema EVENTS = new Schema(List.of(
            Field.nullable("id", new ArrowType.Int(64, true)),
            Field.nullable("day", new ArrowType.Date(DateUnit.DAY)),
            Field.nullable("kind", ArrowType.Utf8.INSTANCE)));

    @TempDir
    static Path folder;

    private TestServer server;
    private BufferAllocator allocator;

    @BeforeAll
    void startServer() throws Exception {
        Path rules = Files.writeString(folder.resolve("rules.yaml"), RULES);
        server = TestServer.start(Map.of("lake.root", folder.resolve("lake").toString(), "lake.default-schema", "sales",
                "auth.rules-file", rules.toString(), "pipelines.threads", "1"),
                Map.of("writer", List.of("writer"), "reader", List.of("reader")));
        allocator = new RootAllocator();
    }

    @AfterAll
    void stopServer() throws Exception {
        server.stop();
        allocator.close();
    }

    @Test
    void createsAppendsReplacesAndRefusesAsAskedEachAsOneCommit() throws Exception {
        try (Client writer = Client.connect(server.port(), "writer", allocator)) {
            assertThat(writer.ingest("events", rows(0, 3), TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE,
                    TableExistsOption.TABLE_EXISTS_OPTION_FAIL, Map.of())).isEqualTo(3);
            assertThat(jdbcRows("SELECT count(*), min(id), max(id) FROM sales.events")).containsExactly("3|0|2");

            assertThat(writer.ingest("events", rows(10, 4), TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL,
                    TableExistsOption.TABLE_EXISTS_OPTION_APPEND, Map.of())).isEqualTo(4);
            assertThat(jdbcRows("SELECT count(*), min(id), max(id) FROM sales.events")).containsExactly("7|0|13");

            assertThatThrownBy(() -> writer.ingest("events", rows(20, 1), TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE,
                    TableExistsOption.TABLE_EXISTS_OPTION_FAIL, Map.of()))
                    .isInstanceOfSatisfying(FlightRuntimeException.class,
                            e -> assertThat(e.status().code()).isEqualTo(CallStatus.ALREADY_EXISTS.code()))
                    .hasMessageContaining("sales.events exists already");
            assertThatThrownBy(() -> writer.ingest("missing", rows(20, 1), TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL,
                    TableExistsOption.TABLE_EXISTS_OPTION_APPEND, Map.of()))
                    .isInstanceOfSatisfying(FlightRuntimeException.class,
                            e -> assertThat(e.status().code()).isEqualTo(CallStatus.NOT_FOUND.code()));

            assertThat(writer.ingest("events", rows(100, 2), TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL,
                    TableExistsOption.TABLE_EXISTS_OPTION_REPLACE, Map.of())).isEqualTo(2);
            assertThat(jdbcRows("SELECT id, day, kind FROM sales.events ORDER BY id"))
                    .containsExactly("100|2024-05-01|kind 0", "101|2024-05-02|kind 1");
        }
        KernelTableReader.KernelTable kernel = KernelTableReader.read(folder.resolve("lake/sales/events"),
                List.of("id", "day", "kind"));
        assertThat(kernel.version()).isEqualTo(2);
        assertThat(kernel.rows()).containsExactlyInAnyOrder("100|2024-05-01|kind 0", "101|2024-05-02|kind 1");
    }

    @Test
    void aResentRequestWithTheSameTransactionIsWrittenOnce() throws Exception {
        Map<String, String> batch7 = Map.of("pondhouse.txn.app-id", "sensor-feed", "pondhouse.txn.version", "7");
        try (Client writer = Client.connect(server.port(), "writer", allocator)) {
            assertThat(writer.ingest("readings", rows(0, 5), TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE,
                    TableExistsOption.TABLE_EXISTS_OPTION_APPEND, batch7)).isEqualTo(5);
            assertThat(writer.ingest("readings", rows(0, 5), TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE,
                    TableExistsOption.TABLE_EXISTS_OPTION_APPEND, batch7)).isZero();
        }
        assertThat(jdbcRows("SELECT count(*) FROM sales.readings")).containsExactly("5");
    }

    @Test
    void ingestNeedsTheWritePrivilege() throws Exception {
        try (Client reader = Client.connect(server.port(), "reader", allocator)) {
            assertThatThrownBy(() -> reader.ingest("denied", rows(0, 1), TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE,
                    TableExistsOption.TABLE_EXISTS_OPTION_FAIL, Map.of()))
                    .isInstanceOfSatisfying(FlightRuntimeException.class,
                            e -> assertThat(e.status().code()).isEqualTo(CallStatus.UNAUTHORIZED.code()))
                    .hasMessageContaining("may not write sales.denied");
        }
        assertThat(Files.exists(folder.resolve("lake/sales/denied"))).isFalse();
    }

    /**
     * ADBC Java's Flight SQL driver (0.20) does not send {@code CommandStatementIngest} for
     * {@code bulkIngest}: it sends {@code CREATE TABLE} and a prepared {@code INSERT}, statements the
     * server's guard refuses. Clients use the C/Go driver (Python's {@code adbc_ingest}) or Flight
     * SQL's {@code executeIngest}.
     */
    @Test
    void adbcJavaBulkIngestIsRefusedByTheStatementGuard() throws Exception {
        Map<String, Object> parameters = new HashMap<>();
        AdbcDriver.PARAM_URI.set(parameters, "grpc+tcp://127.0.0.1:" + server.port());
        AdbcDriver.PARAM_USERNAME.set(parameters, "writer");
        AdbcDriver.PARAM_PASSWORD.set(parameters, "writer");
        FlightSqlConnectionProperties.WITH_COOKIE_MIDDLEWARE.set(parameters, true);
        try (AdbcDatabase database = new FlightSqlDriver(allocator).open(parameters);
                AdbcConnection connection = database.connect();
                AdbcStatement statement = connection.bulkIngest("adbc_events", BulkIngestMode.CREATE);
                VectorSchemaRoot root = rows(0, 2)) {
            statement.bind(root);
            assertThatThrownBy(statement::executeUpdate).hasMessageContaining("CREATE TABLE");
        }
        assertThat(Files.exists(folder.resolve("lake/sales/adbc_events"))).isFalse();
    }

    private VectorSchemaRoot rows(long firstId, int count) {
        VectorSchemaRoot root = VectorSchemaRoot.create(EVENTS, allocator);
        root.allocateNew();
        for (int row = 0; row < count; row++) {
            ((BigIntVector) root.getVector("id")).setSafe(row, firstId + row);
            ((DateDayVector) root.getVector("day")).setSafe(row, (int) java.time.LocalDate.of(2024, 5, 1 + row % 28).toEpochDay());
            ((VarCharVector) root.getVector("kind")).setSafe(row, ("kind " + row).getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(count);
        return root;
    }

    private List<String> jdbcRows(String sql) throws Exception {
        return server.rows("writer", "writer", sql);
    }

    /** A logged-in Flight SQL client. */
    private record Client(FlightSqlClient sql, CallOption credentials) implements AutoCloseable {
        static Client connect(int port, String user, BufferAllocator allocator) {
            FlightClient flight = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build();
            CallOption credentials = flight.authenticateBasicToken(user, user).orElseThrow();
            return new Client(new FlightSqlClient(flight), credentials);
        }

        long ingest(String table, VectorSchemaRoot rows, TableNotExistOption ifMissing, TableExistsOption ifExists,
                Map<String, String> options) {
            try (rows) {
                TableDefinitionOptions definition = TableDefinitionOptions.newBuilder()
                        .setIfNotExist(ifMissing).setIfExists(ifExists).build();
                return sql.executeIngest(rows, new ExecuteIngestOptions(table, definition, null, "sales", options),
                        credentials);
            }
        }

        @Override
        public void close() throws Exception {
            AutoCloseables.close(sql);
        }
    }
}
