package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetXdbcTypeInfo;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Answers {@code GetXdbcTypeInfo} (JDBC {@code getTypeInfo}, ODBC {@code SQLGetTypeInfo}) with
 * DuckDB's column types.
 *
 * <p>{@code data_type} is the JDBC type code the Flight SQL JDBC driver reports for a column of
 * that type (see {@link DuckDbArrowTypes#jdbcType}), so type info and {@code getColumns} agree:
 * e.g. HUGEINT is DECIMAL, FLOAT is FLOAT, UUID and ENUM are VARCHAR. {@code sql_data_type} equals
 * it except for dates and times (9, {@code XDBC_DATETIME}, with a subcode) and INTERVAL (10).
 * {@code column_size} is decimal digits for exact numbers, bits for FLOAT and DOUBLE (radix 2),
 * display length for dates and times, and null for strings, which have no length limit.
 * Rows are ordered by {@code data_type}, then {@code type_name}.
 *
 * <p>Thread-safe.
 */
public final class XdbcTypeInfo {

    private static final int SEARCHABLE_BASIC = 2;
    private static final int SEARCHABLE_FULL = 3;
    private static final int SEARCHABLE_NONE = 0;
    private static final int NULLABLE = 1;
    private static final int XDBC_DATETIME = 9;
    private static final int XDBC_INTERVAL = 10;
    private static final int SUBCODE_DATE = 1;
    private static final int SUBCODE_TIME = 2;
    private static final int SUBCODE_TIMESTAMP = 3;
    private static final int SUBCODE_TIME_WITH_TIMEZONE = 4;
    private static final int SUBCODE_TIMESTAMP_WITH_TIMEZONE = 5;

    /** Only {@link DuckDbArrowTypes#jdbcType} is used, which does not depend on the time zone. */
    private static final DuckDbArrowTypes JDBC_TYPES = new DuckDbArrowTypes("UTC");
    private static final List<TypeRow> TYPES = sortedTypes();

    private final BufferAllocator allocator;

    /** @param allocator where result roots are allocated */
    public XdbcTypeInfo(BufferAllocator allocator) {
        this.allocator = requireNonNull(allocator, "allocator is null");
    }

    /** Lists every type, or only those of the requested {@code data_type}. */
    public VectorSchemaRoot typeInfo(CommandGetXdbcTypeInfo command) {
        List<TypeRow> rows = TYPES.stream()
                .filter(type -> !command.hasDataType() || type.dataType() == command.getDataType())
                .toList();
        return MetadataRoots.filled(Schemas.GET_TYPE_INFO_SCHEMA, allocator, rows.size(), root -> {
            for (int row = 0; row < rows.size(); row++) {
                write(root, row, rows.get(row));
            }
        });
    }

    private static void write(VectorSchemaRoot root, int row, TypeRow type) {
        MetadataRoots.setText(root, "type_name", row, type.typeName());
        setInt(root, "data_type", row, type.dataType());
        setInt(root, "column_size", row, type.columnSize());
        MetadataRoots.setText(root, "literal_prefix", row, type.literalPrefix());
        MetadataRoots.setText(root, "literal_suffix", row, type.literalSuffix());
        setTextList(root, "create_params", row, type.createParameters());
        setInt(root, "nullable", row, NULLABLE);
        setBoolean(root, "case_sensitive", row, type.caseSensitive());
        setInt(root, "searchable", row, type.searchable());
        setBoolean(root, "unsigned_attribute", row, type.unsigned());
        setBoolean(root, "fixed_prec_scale", row, false);
        setBoolean(root, "auto_increment", row, type.numericPrecisionRadix() == null ? null : false);
        MetadataRoots.setText(root, "local_type_name", row, type.typeName());
        setInt(root, "minimum_scale", row, type.minimumScale());
        setInt(root, "maximum_scale", row, type.maximumScale());
        setInt(root, "sql_data_type", row, type.sqlDataType());
        setInt(root, "datetime_subcode", row, type.datetimeSubcode());
        setInt(root, "num_prec_radix", row, type.numericPrecisionRadix());
        setInt(root, "interval_precision", row, null);
    }

    private static void setInt(VectorSchemaRoot root, String column, int row, Integer value) {
        IntVector vector = (IntVector) root.getVector(column);
        if (value == null) {
            vector.setNull(row);
        } else {
            vector.setSafe(row, value);
        }
    }

    private static void setBoolean(VectorSchemaRoot root, String column, int row, Boolean value) {
        BitVector vector = (BitVector) root.getVector(column);
        if (value == null) {
            vector.setNull(row);
        } else {
            vector.setSafe(row, value ? 1 : 0);
        }
    }

    private static void setTextList(VectorSchemaRoot root, String column, int row, List<String> values) {
        ListVector vector = (ListVector) root.getVector(column);
        if (values.isEmpty()) {
            vector.setNull(row);
            return;
        }
        int offset = vector.startNewValue(row);
        VarCharVector items = (VarCharVector) vector.getDataVector();
        for (int index = 0; index < values.size(); index++) {
            items.setSafe(offset + index, values.get(index).getBytes(StandardCharsets.UTF_8));
        }
        vector.endValue(row, values.size());
    }

    private static List<TypeRow> sortedTypes() {
        List<TypeRow> rows = new ArrayList<>(List.of(
                exact("TINYINT", 3, false), exact("SMALLINT", 5, false),
                exact("INTEGER", 10, false), exact("BIGINT", 19, false),
                exact("HUGEINT", 38, false), exact("UTINYINT", 3, true),
                exact("USMALLINT", 5, true), exact("UINTEGER", 10, true),
                exact("UBIGINT", 20, true), exact("UHUGEINT", 38, true),
                row("DECIMAL", "DECIMAL(18,3)", 38, null, null, List.of("precision", "scale"),
                        false, SEARCHABLE_BASIC, false, 0, 38, null, 10, null),
                approximate("FLOAT", 24), approximate("DOUBLE", 53),
                row("BOOLEAN", "BOOLEAN", 1, null, null, List.of(),
                        false, SEARCHABLE_BASIC, null, null, null, null, null, null),
                text("VARCHAR"), text("JSON"),
                row("ENUM", "ENUM('value')", null, "'", "'", List.of("values"),
                        true, SEARCHABLE_FULL, null, null, null, null, null, null),
                row("UUID", "UUID", 36, "'", "'::UUID", List.of(),
                        false, SEARCHABLE_BASIC, null, null, null, null, null, null),
                binary("BLOB"), binary("BIT"), binary("BIGNUM"),
                datetime("DATE", 10, "DATE '", 0, SUBCODE_DATE),
                datetime("TIME", 15, "TIME '", 6, SUBCODE_TIME),
                datetime("TIME_NS", 18, "'", 9, SUBCODE_TIME),
                datetime("TIME WITH TIME ZONE", 21, "TIMETZ '", 6, SUBCODE_TIME_WITH_TIMEZONE),
                datetime("TIMESTAMP", 26, "TIMESTAMP '", 6, SUBCODE_TIMESTAMP),
                datetime("TIMESTAMP_S", 19, "'", 0, SUBCODE_TIMESTAMP),
                datetime("TIMESTAMP_MS", 23, "'", 3, SUBCODE_TIMESTAMP),
                datetime("TIMESTAMP_NS", 29, "'", 9, SUBCODE_TIMESTAMP),
                datetime("TIMESTAMP WITH TIME ZONE", 32, "TIMESTAMPTZ '", 6, SUBCODE_TIMESTAMP_WITH_TIMEZONE),
                datetime("TIMESTAMPTZ_NS", 35, "'", 9, SUBCODE_TIMESTAMP_WITH_TIMEZONE),
                row("INTERVAL", "INTERVAL", null, "INTERVAL '", "'", List.of(),
                        false, SEARCHABLE_BASIC, null, null, null, XDBC_INTERVAL, null, null),
                nested("LIST", "INTEGER[]", List.of()),
                nested("ARRAY", "INTEGER[3]", List.of("size")),
                nested("STRUCT", "STRUCT(a INTEGER)", List.of()),
                nested("MAP", "MAP(VARCHAR, INTEGER)", List.of()),
                nested("UNION", "UNION(a INTEGER)", List.of())));
        rows.sort(Comparator.comparingInt(TypeRow::dataType).thenComparing(TypeRow::typeName));
        return List.copyOf(rows);
    }

    private static TypeRow exact(String name, int digits, boolean unsigned) {
        return row(name, name, digits, null, null, List.of(),
                false, SEARCHABLE_BASIC, unsigned, 0, 0, null, 10, null);
    }

    private static TypeRow approximate(String name, int bits) {
        return row(name, name, bits, null, null, List.of(),
                false, SEARCHABLE_BASIC, false, null, null, null, 2, null);
    }

    private static TypeRow text(String name) {
        return row(name, name, null, "'", "'", List.of(),
                true, SEARCHABLE_FULL, null, null, null, null, null, null);
    }

    private static TypeRow binary(String name) {
        return row(name, name, null, "'", "'::" + name, List.of(),
                false, SEARCHABLE_BASIC, null, null, null, null, null, null);
    }

    private static TypeRow datetime(String name, int length, String prefix, int fractionDigits, int subcode) {
        String suffix = prefix.equals("'") ? "'::" + name : "'";
        return row(name, name, length, prefix, suffix, List.of(),
                false, SEARCHABLE_BASIC, null, fractionDigits, fractionDigits, XDBC_DATETIME, null, subcode);
    }

    private static TypeRow nested(String name, String representative, List<String> createParameters) {
        return row(name, representative, null, null, null, createParameters,
                false, SEARCHABLE_NONE, null, null, null, null, null, null);
    }

    /**
     * Builds a row; {@code representative} is a concrete instance of the type whose JDBC type code
     * becomes {@code data_type}, and a null {@code sqlDataType} means "same as data_type".
     */
    private static TypeRow row(String typeName, String representative, Integer columnSize, String literalPrefix,
            String literalSuffix, List<String> createParameters, boolean caseSensitive, int searchable,
            Boolean unsigned, Integer minimumScale, Integer maximumScale, Integer sqlDataType,
            Integer numericPrecisionRadix, Integer datetimeSubcode) {
        int dataType = JDBC_TYPES.jdbcType(representative);
        return new TypeRow(typeName, dataType, columnSize, literalPrefix, literalSuffix, createParameters,
                caseSensitive, searchable, unsigned, minimumScale, maximumScale,
                sqlDataType == null ? dataType : sqlDataType, datetimeSubcode, numericPrecisionRadix);
    }

    /** One row of the answer. */
    private record TypeRow(
            String typeName,
            int dataType,
            Integer columnSize,
            String literalPrefix,
            String literalSuffix,
            List<String> createParameters,
            boolean caseSensitive,
            int searchable,
            Boolean unsigned,
            Integer minimumScale,
            Integer maximumScale,
            int sqlDataType,
            Integer datetimeSubcode,
            Integer numericPrecisionRadix) {

        TypeRow {
            requireNonNull(typeName, "typeName is null");
            createParameters = List.copyOf(createParameters);
        }
    }
}
