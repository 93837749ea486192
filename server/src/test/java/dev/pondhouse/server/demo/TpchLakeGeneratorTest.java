package dev.pondhouse.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pondhouse.server.demo.TpchGeneration.GeneratedTable;
import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import dev.pondhouse.server.lake.delta.Protocol;
import dev.pondhouse.server.lake.delta.Snapshot;
import dev.pondhouse.server.testing.TpchAnswers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generates TPC-H at scale factor 0.01 once, then checks the files: row counts, schema, marker,
 * progress, and the answers of the TPC-H queries shipped with the generator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TpchLakeGeneratorTest {
    private static final double SCALE_FACTOR = 0.01;
    /** Small enough to split lineitem (about 60,000 rows) into three files. */
    private static final long ROWS_PER_FILE = 20_000;

    /** TPC-H cardinalities at scale factor 0.01 (lineitem as the generator produces it). */
    private static final Map<String, Long> ROWS = Map.of(
            "region", 5L,
            "nation", 25L,
            "supplier", 100L,
            "customer", 1_500L,
            "part", 2_000L,
            "partsupp", 8_000L,
            "orders", 15_000L,
            "lineitem", 60_175L);

    private Path lake;
    private TpchLakeGenerator generator;
    private TpchGeneration generation;
    private final List<ProgressCall> progressCalls = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void generate(@TempDir Path sharedLake) throws Exception {
        lake = sharedLake;
        generator = new TpchLakeGenerator(lake, 2, ROWS_PER_FILE);
        generation = generator.generate(SCALE_FACTOR, (table, rowsDone, rowsTotal) -> progressCalls.add(new ProgressCall(table, rowsDone, rowsTotal)));
    }

    @Test
    void everyTableIsADeltaTableOfExactlyItsFiles() throws Exception {
        LocalBlobStore store = new LocalBlobStore(lake);
        CommitFileFormat format = new CommitFileFormat();
        for (Map.Entry<String, Long> table : ROWS.entrySet()) {
            DeltaLog log = new DeltaLog(store, "tpch/" + table.getKey() + "/", format,
                    new DuckDbCheckpointReader(store, lake.resolve("_checkpoints"), format));

            Snapshot snapshot = log.latest().orElseThrow();

            assertThat(snapshot.version()).isZero();
            assertThat(snapshot.protocol()).isEqualTo(Protocol.READER_1_WRITER_2);
            assertThat(snapshot.activeFiles()).extracting(AddFile::path)
                    .containsExactlyInAnyOrderElementsOf(generation.table(table.getKey()).orElseThrow().files());
            long recorded = 0;
            for (AddFile file : snapshot.activeFiles()) {
                assertThat(file.stats()).isPresent();
                recorded += new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.stats().get()).get("numRecords").asLong();
            }
            assertThat(recorded).as("numRecords of %s", table.getKey()).isEqualTo(table.getValue());
        }
        Snapshot lineitem = new DeltaLog(store, "tpch/lineitem/", format,
                new DuckDbCheckpointReader(store, lake.resolve("_checkpoints"), format)).latest().orElseThrow();
        assertThat(lineitem.metadata().schemaString())
                .contains("{\"name\":\"l_orderkey\",\"type\":\"long\"")
                .contains("{\"name\":\"l_quantity\",\"type\":\"decimal(15,2)\"")
                .contains("{\"name\":\"l_shipdate\",\"type\":\"date\"")
                .contains("{\"name\":\"l_comment\",\"type\":\"string\"");
    }

    @Test
    void writesTheTpchCardinalities() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
            for (Map.Entry<String, Long> table : ROWS.entrySet()) {
                assertThat(count(connection, "SELECT count(*) FROM " + parquetOf(lake, table.getKey())))
                        .as("rows of %s", table.getKey())
                        .isEqualTo(table.getValue());
                assertThat(generation.table(table.getKey()).orElseThrow().rows()).as("recorded rows of %s", table.getKey()).isEqualTo(table.getValue());
            }
        }
    }

    @Test
    void splitsLargeTablesIntoSeveralFilesAndWritesOnlyThose() throws Exception {
        assertThat(generation.table("lineitem").orElseThrow().files()).hasSize(3);
        assertThat(generation.table("orders").orElseThrow().files()).hasSize(1);
        for (GeneratedTable table : generation.tables()) {
            assertThat(table.files()).allMatch(file -> file.matches("part-\\d{5}-[0-9a-f-]{36}\\.parquet"));
            assertThat(filesIn(lake.resolve("tpch").resolve(table.name()))).containsExactlyInAnyOrderElementsOf(table.files());
        }
        assertThat(filesIn(lake.resolve("tpch"))).containsExactlyInAnyOrder(
                "_generated.json", "region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem");
    }

    @Test
    void storesTheStandardTpchSchema() throws Exception {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("region", List.of("r_regionkey BIGINT", "r_name VARCHAR", "r_comment VARCHAR"));
        expected.put("nation", List.of("n_nationkey BIGINT", "n_name VARCHAR", "n_regionkey BIGINT", "n_comment VARCHAR"));
        expected.put("supplier", List.of("s_suppkey BIGINT", "s_name VARCHAR", "s_address VARCHAR", "s_nationkey BIGINT",
                "s_phone VARCHAR", "s_acctbal DECIMAL(15,2)", "s_comment VARCHAR"));
        expected.put("customer", List.of("c_custkey BIGINT", "c_name VARCHAR", "c_address VARCHAR", "c_nationkey BIGINT",
                "c_phone VARCHAR", "c_acctbal DECIMAL(15,2)", "c_mktsegment VARCHAR", "c_comment VARCHAR"));
        expected.put("part", List.of("p_partkey BIGINT", "p_name VARCHAR", "p_mfgr VARCHAR", "p_brand VARCHAR", "p_type VARCHAR",
                "p_size INTEGER", "p_container VARCHAR", "p_retailprice DECIMAL(15,2)", "p_comment VARCHAR"));
        expected.put("partsupp", List.of("ps_partkey BIGINT", "ps_suppkey BIGINT", "ps_availqty INTEGER",
                "ps_supplycost DECIMAL(15,2)", "ps_comment VARCHAR"));
        expected.put("orders", List.of("o_orderkey BIGINT", "o_custkey BIGINT", "o_orderstatus VARCHAR", "o_totalprice DECIMAL(15,2)",
                "o_orderdate DATE", "o_orderpriority VARCHAR", "o_clerk VARCHAR", "o_shippriority INTEGER", "o_comment VARCHAR"));
        expected.put("lineitem", List.of("l_orderkey BIGINT", "l_partkey BIGINT", "l_suppkey BIGINT", "l_linenumber INTEGER",
                "l_quantity DECIMAL(15,2)", "l_extendedprice DECIMAL(15,2)", "l_discount DECIMAL(15,2)", "l_tax DECIMAL(15,2)",
                "l_returnflag VARCHAR", "l_linestatus VARCHAR", "l_shipdate DATE", "l_commitdate DATE", "l_receiptdate DATE",
                "l_shipinstruct VARCHAR", "l_shipmode VARCHAR", "l_comment VARCHAR"));

        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            for (Map.Entry<String, List<String>> table : expected.entrySet()) {
                List<String> columns = new ArrayList<>();
                try (ResultSet describe = statement.executeQuery("DESCRIBE SELECT * FROM " + parquetOf(lake, table.getKey()))) {
                    while (describe.next()) {
                        columns.add(describe.getString("column_name") + " " + describe.getString("column_type"));
                    }
                }
                assertThat(columns).as("columns of %s", table.getKey()).containsExactlyElementsOf(table.getValue());
            }
        }
    }

    @Test
    void recordsTheGenerationInAMarker() throws Exception {
        assertThat(generator.isPresent(SCALE_FACTOR)).isTrue();
        assertThat(generator.isPresent(0.02)).isFalse();
        assertThat(generator.currentGeneration()).contains(generation);

        JsonNode marker = new ObjectMapper().readTree(lake.resolve("tpch/_generated.json").toFile());
        assertThat(marker.get("scaleFactor").asDouble()).isEqualTo(SCALE_FACTOR);
        List<String> tables = new ArrayList<>();
        marker.get("tables").forEach(table -> tables.add(table.get("name").asText()));
        assertThat(tables).containsExactlyInAnyOrderElementsOf(ROWS.keySet());
    }

    @Test
    void reportsProgressEndingAtTheFinalRowCount() {
        List<ProgressCall> calls = List.copyOf(progressCalls);
        for (Map.Entry<String, Long> table : ROWS.entrySet()) {
            List<ProgressCall> callsOfTable = calls.stream().filter(call -> call.table().equals(table.getKey())).toList();
            assertThat(callsOfTable).as("progress of %s", table.getKey()).isNotEmpty();
            assertThat(callsOfTable).allMatch(call -> call.rowsDone() <= call.rowsTotal());
            assertThat(callsOfTable).extracting(ProgressCall::rowsDone).isSorted();
            assertThat(callsOfTable).doesNotHaveDuplicates();
            assertThat(callsOfTable.get(callsOfTable.size() - 1)).isEqualTo(new ProgressCall(table.getKey(), table.getValue(), table.getValue()));
        }
        // Until lineitem is complete, its total is the estimate of four lines per order.
        assertThat(calls)
                .filteredOn(call -> call.table().equals("lineitem") && call.rowsDone() < 60_175)
                .isNotEmpty()
                .allMatch(call -> call.rowsTotal() == 60_000);
    }

    static IntStream tpchQueries() {
        return TpchAnswers.queryNumbers();
    }

    @ParameterizedTest(name = "q{0}")
    @MethodSource("tpchQueries")
    void answersTpchQueryAsShippedWithTheGenerator(int query) throws Exception {
        List<String> statements = TpchAnswers.statements(query);
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            for (String table : ROWS.keySet()) {
                statement.execute("CREATE VIEW " + table + " AS SELECT * FROM " + parquetOf(lake, table));
            }
            for (String setup : statements.subList(0, statements.size() - 1)) {
                statement.execute(setup);
            }
            try (ResultSet result = statement.executeQuery(statements.get(statements.size() - 1))) {
                TpchAnswers.assertAnswer(query, TpchAnswers.rows(result));
            }
        }
    }

    @Test
    void replacesAGenerationAtAnotherScaleAndReusesAPresentOne(@TempDir Path otherLake) throws Exception {
        Path leftover = Files.createDirectories(otherLake.resolve("tpch/_staging-left-by-a-crash/lineitem"));
        Files.writeString(leftover.resolve("part-00000.parquet"), "partial");
        TpchLakeGenerator otherGenerator = new TpchLakeGenerator(otherLake, 1);
        TpchGeneration small = otherGenerator.generate(0.001, GenerationProgress.ignoring());
        assertThat(otherGenerator.isPresent(0.001)).isTrue();
        assertThat(Files.exists(otherLake.resolve("tpch/_staging-left-by-a-crash"))).isFalse();

        TpchGeneration larger = otherGenerator.generate(0.002, GenerationProgress.ignoring());

        assertThat(otherGenerator.isPresent(0.002)).isTrue();
        assertThat(otherGenerator.isPresent(0.001)).isFalse();
        assertThat(filesIn(otherLake.resolve("tpch/orders"))).containsExactlyElementsOf(larger.table("orders").orElseThrow().files())
                .doesNotContainAnyElementsOf(small.table("orders").orElseThrow().files());
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
            assertThat(count(connection, "SELECT count(*) FROM " + parquetOf(otherLake, "orders"))).isEqualTo(3_000);
        }
        assertThat(otherGenerator.ensureGenerated(0.002, (table, rowsDone, rowsTotal) -> fail("a present generation is regenerated")))
                .isEqualTo(larger);
    }

    @Test
    void keepsThePreviousGenerationWhenAGenerationFails(@TempDir Path otherLake) throws Exception {
        TpchLakeGenerator otherGenerator = new TpchLakeGenerator(otherLake, 2);
        TpchGeneration previous = otherGenerator.generate(0.001, GenerationProgress.ignoring());

        assertThatThrownBy(() -> otherGenerator.generate(0.002, (table, rowsDone, rowsTotal) -> {
            if (table.equals("lineitem")) {
                throw new IllegalStateException("listener gave up on " + table);
            }
        }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("listener gave up on lineitem");

        assertThat(otherGenerator.isPresent(0.001)).isTrue();
        assertThat(otherGenerator.currentGeneration()).contains(previous);
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
            assertThat(count(connection, "SELECT count(*) FROM " + parquetOf(otherLake, "orders"))).isEqualTo(1_500);
        }
        assertThat(filesIn(otherLake.resolve("tpch"))).noneMatch(name -> name.startsWith("_staging-"));
    }

    @Test
    void distrustsAMarkerWhoseFilesAreMissingOrWhichIsUnreadable(@TempDir Path otherLake) throws Exception {
        TpchLakeGenerator otherGenerator = new TpchLakeGenerator(otherLake, 1);
        TpchGeneration generated = otherGenerator.generate(0.001, GenerationProgress.ignoring());
        Path ordersFile = otherLake.resolve("tpch/orders").resolve(generated.table("orders").orElseThrow().files().get(0));
        assertThat(otherGenerator.isPresent(0.001)).isTrue();

        Files.delete(ordersFile);
        assertThat(otherGenerator.isPresent(0.001)).isFalse();

        Files.writeString(otherLake.resolve("tpch/_generated.json"), "{\"scaleFactor\": \"not a number\"}");
        assertThat(otherGenerator.isPresent(0.001)).isFalse();
        assertThat(otherGenerator.currentGeneration()).isEmpty();
    }

    @Test
    void stopsAndKeepsThePreviousGenerationWhenInterrupted(@TempDir Path otherLake) throws Exception {
        TpchLakeGenerator otherGenerator = new TpchLakeGenerator(otherLake, 1);
        TpchGeneration previous = otherGenerator.generate(0.001, GenerationProgress.ignoring());
        Thread caller = Thread.currentThread();

        try {
            assertThatThrownBy(() -> otherGenerator.generate(0.002, (table, rowsDone, rowsTotal) -> caller.interrupt()))
                    .isInstanceOf(InterruptedException.class);
        } finally {
            // The listener may interrupt again while the workers stop; don't leak that into later tests.
            Thread.interrupted();
        }

        assertThat(otherGenerator.currentGeneration()).contains(previous);
        assertThat(otherGenerator.isPresent(0.001)).isTrue();
        assertThat(filesIn(otherLake.resolve("tpch"))).noneMatch(name -> name.startsWith("_staging-"));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, 0.0001, 1001, Double.NaN, Double.POSITIVE_INFINITY})
    void rejectsAScaleFactorOutOfRange(double scaleFactor) {
        assertThatThrownBy(() -> generator.generate(scaleFactor, GenerationProgress.ignoring()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scaleFactor must be between 0.001 and 1000.0, got " + scaleFactor);
        assertThatThrownBy(() -> generator.isPresent(scaleFactor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("got " + scaleFactor);
    }

    @Test
    void rejectsInvalidConstructorArguments() {
        assertThatThrownBy(() -> new TpchLakeGenerator(null, 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("lakeRoot is null");
        assertThatThrownBy(() -> new TpchLakeGenerator(lake, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads must be at least 1, got 0");
        assertThatThrownBy(() -> new TpchLakeGenerator(lake, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rowsPerFile must be at least 1, got 0");
    }

    /** Run by hand: {@code -Dpondhouse.tpch.benchmark=true}. Generates scale factor 1 and prints the time. */
    @Test
    @EnabledIfSystemProperty(named = "pondhouse.tpch.benchmark", matches = "true")
    void generatesScaleFactorOneQuickly(@TempDir Path otherLake) throws Exception {
        TpchLakeGenerator otherGenerator = new TpchLakeGenerator(otherLake, 2);
        long start = System.nanoTime();
        TpchGeneration large = otherGenerator.generate(1, GenerationProgress.ignoring());
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("TPC-H scale factor 1 generated in %d ms: %s%n", millis, large);
        assertThat(large.table("lineitem").orElseThrow().rows()).isEqualTo(6_001_215);
        assertThat(millis).isLessThan(120_000);
    }

    private static String parquetOf(Path lake, String table) {
        return "read_parquet(" + SqlIdentifiers.literal(lake.resolve("tpch").resolve(table).resolve("*.parquet").toString()) + ")";
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).isTrue();
            return result.getLong(1);
        }
    }

    /** The data files in a folder (its Delta log aside). */
    private static List<String> filesIn(Path folder) throws IOException {
        try (Stream<Path> children = Files.list(folder)) {
            return children.map(child -> child.getFileName().toString())
                    .filter(name -> !name.equals(DeltaLog.LOG_FOLDER.replace("/", "")))
                    .sorted()
                    .toList();
        }
    }

    private record ProgressCall(String table, long rowsDone, long rowsTotal) {}
}
