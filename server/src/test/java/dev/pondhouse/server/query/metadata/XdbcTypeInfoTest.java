package dev.pondhouse.server.query.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetXdbcTypeInfo;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class XdbcTypeInfoTest {

    private static final CommandGetXdbcTypeInfo ALL_TYPES = CommandGetXdbcTypeInfo.getDefaultInstance();

    private BufferAllocator allocator;
    private XdbcTypeInfo typeInfo;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
        typeInfo = new XdbcTypeInfo(allocator);
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void listsDuckDbTypesOrderedByDataTypeThenName() {
        try (VectorSchemaRoot root = typeInfo.typeInfo(ALL_TYPES)) {
            assertThat(root.getSchema()).isEqualTo(Schemas.GET_TYPE_INFO_SCHEMA);
            List<List<Object>> rows = RootContents.rows(root, "data_type", "type_name");
            List<List<Object>> sorted = new ArrayList<>(rows);
            sorted.sort((first, second) -> {
                int byType = Integer.compare((Integer) first.get(0), (Integer) second.get(0));
                return byType != 0 ? byType : ((String) first.get(1)).compareTo((String) second.get(1));
            });
            assertThat(rows).isEqualTo(sorted);
            assertThat(RootContents.column(root, "type_name")).contains("BOOLEAN", "TINYINT", "INTEGER", "BIGINT",
                    "HUGEINT", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL", "VARCHAR", "BLOB", "DATE", "TIME",
                    "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "INTERVAL", "UUID", "LIST", "STRUCT", "MAP");
        }
    }

    @Test
    void rowsCarryJdbcCodesAndDescriptions() {
        try (VectorSchemaRoot root = typeInfo.typeInfo(ALL_TYPES)) {
            List<Object> names = RootContents.column(root, "type_name");
            String[] columns = {"data_type", "column_size", "literal_prefix", "literal_suffix", "create_params",
                    "case_sensitive", "searchable", "unsigned_attribute", "sql_data_type", "datetime_subcode",
                    "num_prec_radix", "nullable"};
            List<List<Object>> rows = RootContents.rows(root, columns);

            assertThat(rows.get(names.indexOf("VARCHAR"))).isEqualTo(listOf(
                    Types.VARCHAR, null, "'", "'", null, true, 3, null, Types.VARCHAR, null, null, 1));
            assertThat(rows.get(names.indexOf("DECIMAL"))).isEqualTo(listOf(
                    Types.DECIMAL, 38, null, null, List.of("precision", "scale"), false, 2, false, Types.DECIMAL,
                    null, 10, 1));
            assertThat(rows.get(names.indexOf("UINTEGER"))).isEqualTo(listOf(
                    Types.INTEGER, 10, null, null, null, false, 2, true, Types.INTEGER, null, 10, 1));
            assertThat(rows.get(names.indexOf("DOUBLE"))).isEqualTo(listOf(
                    Types.DOUBLE, 53, null, null, null, false, 2, false, Types.DOUBLE, null, 2, 1));
            assertThat(rows.get(names.indexOf("DATE"))).isEqualTo(listOf(
                    Types.DATE, 10, "DATE '", "'", null, false, 2, null, 9, 1, null, 1));
            assertThat(rows.get(names.indexOf("TIMESTAMP WITH TIME ZONE"))).isEqualTo(listOf(
                    Types.TIMESTAMP_WITH_TIMEZONE, 32, "TIMESTAMPTZ '", "'", null, false, 2, null, 9, 5, null, 1));
            assertThat(rows.get(names.indexOf("HUGEINT")).get(0)).isEqualTo(Types.DECIMAL);
            assertThat(rows.get(names.indexOf("UUID")).get(0)).isEqualTo(Types.VARCHAR);
            assertThat(rows.get(names.indexOf("INTERVAL")).get(8)).isEqualTo(10);
            assertThat(rows.get(names.indexOf("STRUCT")).get(0)).isEqualTo(Types.JAVA_OBJECT);
            assertThat(rows.get(names.indexOf("LIST")).get(0)).isEqualTo(Types.ARRAY);
        }
    }

    @Test
    void filtersByDataType() {
        CommandGetXdbcTypeInfo varchar = CommandGetXdbcTypeInfo.newBuilder().setDataType(Types.VARCHAR).build();
        CommandGetXdbcTypeInfo none = CommandGetXdbcTypeInfo.newBuilder().setDataType(Types.LONGVARBINARY).build();

        try (VectorSchemaRoot root = typeInfo.typeInfo(varchar)) {
            assertThat(RootContents.column(root, "type_name")).containsExactly("ENUM", "JSON", "UUID", "VARCHAR");
        }
        try (VectorSchemaRoot root = typeInfo.typeInfo(none)) {
            assertThat(root.getRowCount()).isZero();
        }
    }

    @Test
    void typeNamesAndLiteralsAreValidDuckDb() throws SQLException {
        Map<String, String> samples = Map.ofEntries(Map.entry("VARCHAR", "text"), Map.entry("JSON", "{}"),
                Map.entry("UUID", "0b5cc7c5-2f54-4d8b-95c6-4d1f6e9a2c11"), Map.entry("BLOB", "\\x01"),
                Map.entry("BIT", "0101"), Map.entry("BIGNUM", "123456789012345678901234567890"),
                Map.entry("DATE", "2024-02-29"), Map.entry("TIME", "12:34:56.123456"),
                Map.entry("TIME_NS", "12:34:56.123456789"), Map.entry("TIME WITH TIME ZONE", "12:34:56+02"),
                Map.entry("TIMESTAMP", "2024-02-29 12:34:56"), Map.entry("TIMESTAMP_S", "2024-02-29 12:34:56"),
                Map.entry("TIMESTAMP_MS", "2024-02-29 12:34:56.789"),
                Map.entry("TIMESTAMP_NS", "2024-02-29 12:34:56.123456789"),
                Map.entry("TIMESTAMP WITH TIME ZONE", "2024-02-29 12:34:56+00"),
                Map.entry("TIMESTAMPTZ_NS", "2024-02-29 12:34:56.123456789+00"),
                Map.entry("INTERVAL", "1 day"), Map.entry("ENUM", "value"));
        try (LakeDatabase database = LakeDatabase.open();
                Statement statement = database.connection().createStatement();
                VectorSchemaRoot root = typeInfo.typeInfo(ALL_TYPES)) {
            for (List<Object> row : RootContents.rows(root, "type_name", "literal_prefix", "literal_suffix")) {
                String name = (String) row.get(0);
                if (row.get(1) != null) {
                    assertThat(samples).as("sample literal for %s", name).containsKey(name);
                    String literal = row.get(1) + samples.get(name) + row.get(2);
                    try (ResultSet result = statement.executeQuery("SELECT " + literal)) {
                        assertThat(result.next()).as(literal).isTrue();
                    }
                } else if (!List.of("LIST", "ARRAY", "STRUCT", "MAP", "UNION").contains(name)) {
                    try (ResultSet result = statement.executeQuery("SELECT CAST(NULL AS " + name + ")")) {
                        assertThat(result.next()).as(name).isTrue();
                    }
                }
            }
        }
    }

    private static List<Object> listOf(Object... values) {
        return new ArrayList<>(Arrays.asList(values));
    }
}
