package dev.pondhouse.server.query.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.DictionaryUtility;
import org.duckdb.DuckDBResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DuckDbArrowTypesTest {

    /** A zone other than the JVM's and DuckDB's default, to see that it reaches TIMESTAMPTZ types. */
    private static final String SESSION_TIME_ZONE = "America/New_York";

    private final DuckDbArrowTypes types = new DuckDbArrowTypes(SESSION_TIME_ZONE);
    private LakeDatabase database;
    private BufferAllocator allocator;

    @BeforeEach
    void open() throws SQLException {
        database = LakeDatabase.open().execute("SET TimeZone = '" + SESSION_TIME_ZONE + "'");
        allocator = new RootAllocator();
    }

    @AfterEach
    void close() throws SQLException {
        allocator.close();
        database.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UHUGEINT",
        "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
        "FLOAT", "DOUBLE", "DECIMAL(15,2)", "DECIMAL(4,1)", "DECIMAL(9,3)", "DECIMAL(18,0)", "DECIMAL(38,10)",
        "BOOLEAN", "VARCHAR", "BLOB", "BIT", "BIGNUM", "UUID", "JSON", "GEOMETRY", "VARIANT",
        "DATE", "TIME", "TIMETZ", "TIME_NS",
        "TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMPTZ_NS",
        "INTERVAL",
        "STRUCT(a INTEGER, b VARCHAR)", "STRUCT(\"a b\" INTEGER, \"c\"\"d\" TIMESTAMPTZ)",
        "INTEGER[]", "VARCHAR[3]", "INTEGER[2][]", "DECIMAL(15,2)[]", "STRUCT(x DATE)[]",
        "MAP(VARCHAR, INTEGER)", "MAP(INTEGER, DECIMAL(10,2)[])",
        "UNION(num INTEGER, str VARCHAR)",
        "ENUM('x', 'y')", "ENUM('it''s', 'b')", "STRUCT(e ENUM('p', 'q'))[]", "MAP(ENUM('k'), ENUM('v'))",
        "UNION(a ENUM('u'), b INTEGER)"})
    void resultFieldMatchesDuckDbArrowExport(String typeExpression) throws Exception {
        String printedType = printedType(typeExpression);

        Field expected = exportedSchema("SELECT CAST(NULL AS " + typeExpression + ") AS v").getFields().get(0);

        assertThat(types.resultField("v", printedType)).isEqualTo(expected);
    }

    @Test
    void nullTypeMatchesDuckDbArrowExport() throws Exception {
        String printedType;
        try (Statement statement = database.connection().createStatement();
                ResultSet result = statement.executeQuery("SELECT typeof(NULL)")) {
            result.next();
            printedType = result.getString(1);
        }

        Field expected = exportedSchema("SELECT NULL AS v").getFields().get(0);

        assertThat(printedType).isEqualTo("\"NULL\"");
        assertThat(types.resultField("v", printedType)).isEqualTo(expected);
    }

    @Test
    void enumIndexWidthFollowsTheNumberOfValues() throws Exception {
        for (int valueCount : new int[] {255, 256, 65_535, 65_536}) {
            String type = IntStream.range(0, valueCount).mapToObj(index -> "'v" + index + "'")
                    .collect(Collectors.joining(", ", "ENUM(", ")"));

            Field expected = exportedSchema("SELECT CAST(NULL AS " + type + ") AS v").getFields().get(0);

            assertThat(types.resultField("v", type)).as("ENUM of %d values", valueCount).isEqualTo(expected);
        }
    }

    @Test
    void resultSchemaNumbersDictionariesAcrossColumnsLikeDuckDb() throws Exception {
        database.execute("CREATE TABLE mixed(a ENUM('a', 'b'), s STRUCT(x INTEGER, e ENUM('x')), m MAP(ENUM('k'), "
                + "ENUM('v')), d DECIMAL(15,2) NOT NULL, t TIMESTAMPTZ, l ENUM('z')[])");
        List<ColumnDescription> columns = new ArrayList<>();
        try (PreparedStatement statement = database.connection().prepareStatement(
                "SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE table_name = 'mixed' "
                        + "ORDER BY column_index");
                ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                columns.add(new ColumnDescription(result.getString(1), result.getString(2), result.getBoolean(3),
                        Optional.empty(), true, Optional.empty()));
            }
        }

        Schema schema = types.resultSchema(columns);
        Schema expected = exportedSchema("SELECT * FROM mixed");

        assertThat(schema.getFields()).hasSize(expected.getFields().size());
        for (int index = 0; index < expected.getFields().size(); index++) {
            Field actual = schema.getFields().get(index);
            Field wanted = expected.getFields().get(index);
            assertThat(actual.getName()).isEqualTo(wanted.getName());
            assertThat(actual.getType()).isEqualTo(wanted.getType());
            assertThat(actual.getDictionary()).isEqualTo(wanted.getDictionary());
            assertThat(actual.getChildren()).isEqualTo(wanted.getChildren());
        }
        assertThat(schema.findField("d").isNullable()).as("NOT NULL column").isFalse();
        assertThat(schema.findField("a").isNullable()).isTrue();
        assertThat(new FlightSqlColumnMetadata(schema.findField("d").getMetadata()).getTypeName())
                .isEqualTo("DECIMAL(15,2)");
    }

    @Test
    void columnMetadataDescribesDecimalColumnOfATable() {
        ColumnDescription column = new ColumnDescription("price", "DECIMAL(15,2)", true,
                Optional.of(new TableName("pondhouse", "tpch", "lineitem")), true, Optional.of("unit price"));

        FlightSqlColumnMetadata metadata = types.columnMetadata(column);

        assertThat(metadata.getTypeName()).isEqualTo("DECIMAL(15,2)");
        assertThat(metadata.getPrecision()).isEqualTo(15);
        assertThat(metadata.getScale()).isEqualTo(2);
        assertThat(metadata.getCatalogName()).isEqualTo("pondhouse");
        assertThat(metadata.getSchemaName()).isEqualTo("tpch");
        assertThat(metadata.getTableName()).isEqualTo("lineitem");
        assertThat(metadata.getRemarks()).isEqualTo("unit price");
        assertThat(metadata.isAutoIncrement()).isFalse();
        assertThat(metadata.isCaseSensitive()).isFalse();
        assertThat(metadata.isReadOnly()).isTrue();
        assertThat(metadata.isSearchable()).isTrue();
    }

    @Test
    void columnMetadataSizesFollowTheType() {
        assertThat(size("INTEGER")).containsExactly(10, 0);
        assertThat(size("UBIGINT")).containsExactly(20, 0);
        assertThat(size("HUGEINT")).containsExactly(38, 0);
        assertThat(size("DATE")).containsExactly(10, 0);
        assertThat(size("TIME")).containsExactly(15, 6);
        assertThat(size("TIMESTAMP")).containsExactly(26, 6);
        assertThat(size("TIMESTAMP_MS")).containsExactly(23, 3);
        assertThat(size("TIMESTAMP_S")).containsExactly(19, 0);
        assertThat(size("TIMESTAMP WITH TIME ZONE")).containsExactly(32, 6);
        assertThat(size("VARCHAR")).containsExactly(null, null);
        assertThat(size("DOUBLE")).containsExactly(null, null);
        assertThat(size("INTEGER[]")).containsExactly(null, null);
    }

    @Test
    void columnMetadataFlagsStringsAndNestedTypes() {
        FlightSqlColumnMetadata text = types.columnMetadata(
                new ColumnDescription("name", "VARCHAR", true, Optional.empty(), false, Optional.empty()));
        FlightSqlColumnMetadata nested = types.columnMetadata(ColumnDescription.ofResult("s", "STRUCT(a INTEGER)"));

        assertThat(text.isCaseSensitive()).isTrue();
        assertThat(text.isReadOnly()).isFalse();
        assertThat(text.getCatalogName()).isNull();
        assertThat(nested.isSearchable()).isFalse();
        assertThat(nested.isCaseSensitive()).isFalse();
    }

    @Test
    void parameterFieldsAreWhatTheFlightSqlJdbcDriverCanBind() {
        assertThat(parameterType("TINYINT")).isEqualTo(new ArrowType.Int(64, true));
        assertThat(parameterType("INTEGER")).isEqualTo(new ArrowType.Int(64, true));
        assertThat(parameterType("UBIGINT")).isEqualTo(new ArrowType.Int(64, true));
        assertThat(parameterType("HUGEINT")).isEqualTo(new ArrowType.Int(64, true));
        assertThat(parameterType("FLOAT")).isEqualTo(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
        assertThat(parameterType("DOUBLE")).isEqualTo(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
        assertThat(parameterType("DECIMAL(15,2)")).isEqualTo(new ArrowType.Decimal(15, 2, 128));
        assertThat(parameterType("VARCHAR")).isEqualTo(ArrowType.Utf8.INSTANCE);
        assertThat(parameterType("DATE")).isEqualTo(new ArrowType.Date(DateUnit.DAY));
        assertThat(parameterType("TIMESTAMP")).isEqualTo(new ArrowType.Timestamp(TimeUnit.MILLISECOND, null));
        assertThat(parameterType("TIMESTAMP_NS")).isEqualTo(new ArrowType.Timestamp(TimeUnit.MILLISECOND, null));
        assertThat(parameterType("TIMESTAMP WITH TIME ZONE"))
                .isEqualTo(new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC"));
        assertThat(parameterType("TIME")).isEqualTo(new ArrowType.Time(TimeUnit.MILLISECOND, 32));
        assertThat(parameterType("BOOLEAN")).isEqualTo(ArrowType.Bool.INSTANCE);
        assertThat(parameterType("BLOB")).isEqualTo(ArrowType.Binary.INSTANCE);
        assertThat(parameterType("UUID")).isEqualTo(ArrowType.Utf8.INSTANCE);
        assertThat(parameterType("INTERVAL")).isEqualTo(ArrowType.Utf8.INSTANCE);
        assertThat(parameterType("INTEGER[]")).isEqualTo(ArrowType.Utf8.INSTANCE);
        assertThat(parameterType("UNKNOWN")).isEqualTo(ArrowType.Utf8.INSTANCE);
        assertThat(parameterType("INVALID")).isEqualTo(ArrowType.Utf8.INSTANCE);
        assertThat(types.parameterField("parameter_1", "INTEGER").isNullable()).isTrue();
    }

    @Test
    void parameterTypesCoverWhatDuckDbReportsForParameters() throws SQLException {
        try (PreparedStatement statement = database.connection().prepareStatement(
                "SELECT CAST(? AS INTEGER) + 1, ? = DATE '2020-01-01', ? || 'x'")) {
            List<String> reported = new ArrayList<>();
            for (int index = 1; index <= statement.getParameterMetaData().getParameterCount(); index++) {
                reported.add(statement.getParameterMetaData().getParameterTypeName(index));
            }

            assertThat(reported.stream().map(this::parameterType).toList()).containsExactly(
                    new ArrowType.Int(64, true), new ArrowType.Date(DateUnit.DAY), ArrowType.Utf8.INSTANCE);
        }
    }

    @Test
    void jdbcTypesAreThoseTheFlightSqlJdbcDriverDerives() {
        assertThat(types.jdbcType("BOOLEAN")).isEqualTo(Types.BOOLEAN);
        assertThat(types.jdbcType("TINYINT")).isEqualTo(Types.TINYINT);
        assertThat(types.jdbcType("UTINYINT")).isEqualTo(Types.TINYINT);
        assertThat(types.jdbcType("INTEGER")).isEqualTo(Types.INTEGER);
        assertThat(types.jdbcType("BIGINT")).isEqualTo(Types.BIGINT);
        assertThat(types.jdbcType("HUGEINT")).isEqualTo(Types.DECIMAL);
        assertThat(types.jdbcType("DECIMAL(15,2)")).isEqualTo(Types.DECIMAL);
        assertThat(types.jdbcType("FLOAT")).isEqualTo(Types.FLOAT);
        assertThat(types.jdbcType("DOUBLE")).isEqualTo(Types.DOUBLE);
        assertThat(types.jdbcType("VARCHAR")).isEqualTo(Types.VARCHAR);
        assertThat(types.jdbcType("UUID")).isEqualTo(Types.VARCHAR);
        assertThat(types.jdbcType("ENUM('a')")).isEqualTo(Types.VARCHAR);
        assertThat(types.jdbcType("BLOB")).isEqualTo(Types.VARBINARY);
        assertThat(types.jdbcType("DATE")).isEqualTo(Types.DATE);
        assertThat(types.jdbcType("TIME")).isEqualTo(Types.TIME);
        assertThat(types.jdbcType("TIMESTAMP")).isEqualTo(Types.TIMESTAMP);
        assertThat(types.jdbcType("TIMESTAMP WITH TIME ZONE")).isEqualTo(Types.TIMESTAMP_WITH_TIMEZONE);
        assertThat(types.jdbcType("INTEGER[]")).isEqualTo(Types.ARRAY);
        assertThat(types.jdbcType("INTEGER[3]")).isEqualTo(Types.ARRAY);
        assertThat(types.jdbcType("STRUCT(a INTEGER)")).isEqualTo(Types.JAVA_OBJECT);
        assertThat(types.jdbcType("MAP(VARCHAR, INTEGER)")).isEqualTo(Types.JAVA_OBJECT);
        assertThat(types.jdbcType("INTERVAL")).isEqualTo(Types.JAVA_OBJECT);
        assertThat(types.jdbcType("\"NULL\"")).isEqualTo(Types.NULL);
    }

    @Test
    void unknownTypesBecomeText() {
        assertThat(types.resultField("v", "SOME_FUTURE_TYPE").getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
    }

    @Test
    void malformedTypeTextIsRejectedWithTheText() {
        assertThatThrownBy(() -> types.resultField("v", "DECIMAL(15,"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DECIMAL(15,");
    }

    private ArrowType parameterType(String duckDbType) {
        return types.parameterField("parameter", duckDbType).getType();
    }

    private List<Integer> size(String duckDbType) {
        FlightSqlColumnMetadata metadata = types.columnMetadata(ColumnDescription.ofResult("c", duckDbType));
        List<Integer> size = new ArrayList<>();
        size.add(metadata.getPrecision());
        size.add(metadata.getScale());
        return size;
    }

    private String printedType(String typeExpression) throws SQLException {
        try (Statement statement = database.connection().createStatement();
                ResultSet result = statement.executeQuery("SELECT typeof(CAST(NULL AS " + typeExpression + "))")) {
            result.next();
            return result.getString(1);
        }
    }

    /** The schema of DuckDB's Arrow export of the query, with dictionary fields in IPC message form. */
    private Schema exportedSchema(String query) throws Exception {
        try (Statement statement = database.connection().createStatement();
                ResultSet result = statement.executeQuery(query);
                ArrowReader reader = (ArrowReader) ((DuckDBResultSet) result).arrowExportStream(allocator, 1024)) {
            Schema schema = reader.getVectorSchemaRoot().getSchema();
            List<Field> fields = new ArrayList<>();
            for (Field field : schema.getFields()) {
                fields.add(DictionaryUtility.toMessageFormat(field, reader, new HashSet<>()));
            }
            return new Schema(fields);
        }
    }
}
