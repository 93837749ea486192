package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.UnionMode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Maps DuckDB types, as DuckDB prints them, to Arrow: the fields DuckDB's own Arrow export
 * ({@code DuckDBResultSet.arrowExportStream}) produces, the parameter types the Flight SQL JDBC
 * driver can bind, the JDBC type codes that driver reports, and Flight SQL column metadata.
 *
 * <p>Result fields follow DuckDB's export with its default settings ({@code arrow_output_version}
 * 1.0, no large buffers, no lossless conversion, no list views), checked against DuckDB itself in
 * the tests:
 *
 * <ul>
 *   <li>signed and unsigned integers keep their width and signedness; HUGEINT and UHUGEINT become
 *       {@code Decimal(38, 0)}; every DECIMAL becomes a 128-bit decimal of the same precision and
 *       scale;
 *   <li>VARCHAR, JSON and UUID become {@code Utf8}; BLOB and BIT {@code Binary}; BIGNUM and GEOMETRY
 *       {@code Binary} with DuckDB's extension-type metadata;
 *   <li>DATE is {@code Date(DAY)}; TIME and TIME WITH TIME ZONE {@code Time(MICROSECOND, 64)};
 *       TIME_NS {@code Time(NANOSECOND, 64)}; TIMESTAMP {@code Timestamp(MICROSECOND, null)},
 *       TIMESTAMP_S/_MS/_NS the matching unit; TIMESTAMP WITH TIME ZONE and TIMESTAMPTZ_NS carry the
 *       session's {@code TimeZone} setting (given to the constructor), as DuckDB does;
 *   <li>INTERVAL is {@code Interval(MONTH_DAY_NANO)}; {@code "NULL"} is {@code Null};
 *   <li>{@code T[]} is a List with child {@code l}; {@code T[n]} a FixedSizeList with an unnamed
 *       child; STRUCT a Struct; MAP a {@code Map(false)} of non-null {@code entries} with a non-null
 *       {@code key}; UNION a sparse Union; VARIANT DuckDB's Parquet-variant struct;
 *   <li>ENUM is dictionary encoded. Fields here are in IPC message form, as they travel in a
 *       serialized schema: the field type is the value type {@code Utf8} and the encoding names the
 *       index type DuckDB uses (8, 16 or 32-bit unsigned by the number of values). Dictionary ids
 *       are numbered depth-first from 0 across a schema, as DuckDB numbers them.
 * </ul>
 *
 * <p>Types this class does not know map to {@code Utf8}. All nested children are nullable except
 * where noted; DuckDB exports every top-level column as nullable, even NOT NULL ones.
 *
 * <p>Immutable and thread-safe.
 */
public final class DuckDbArrowTypes {

    private static final String EXTENSION_NAME = "ARROW:extension:name";
    private static final String EXTENSION_METADATA = "ARROW:extension:metadata";
    private static final int DECIMAL_BIT_WIDTH = 128;
    private static final int HUGEINT_PRECISION = 38;

    private final String timeZone;

    /**
     * @param timeZone the session's DuckDB {@code TimeZone} setting, which DuckDB writes into the
     *     Arrow type of TIMESTAMP WITH TIME ZONE columns (e.g. {@code Etc/UTC})
     */
    public DuckDbArrowTypes(String timeZone) {
        this.timeZone = requireNonNull(timeZone, "timeZone is null");
    }

    /**
     * Returns the Arrow field DuckDB's Arrow export produces for a single column of this type:
     * nullable, without Flight SQL metadata, dictionary ids starting at 0.
     *
     * @throws IllegalArgumentException if the type text cannot be parsed
     */
    public Field resultField(String name, String duckDbType) {
        return field(name, true, DuckDbType.parse(duckDbType), new DictionaryIds());
    }

    /**
     * Returns a schema for these columns as DuckDB's Arrow export types them, with each column's
     * own nullability and with Flight SQL column metadata (see {@link #columnMetadata}) on every
     * top-level field. Dictionary ids run across the whole schema.
     */
    public Schema resultSchema(List<ColumnDescription> columns) {
        DictionaryIds ids = new DictionaryIds();
        List<Field> fields = new ArrayList<>(columns.size());
        for (ColumnDescription column : columns) {
            Field plain = field(column.name(), column.nullable(), DuckDbType.parse(column.duckDbType()), ids);
            Map<String, String> metadata = new HashMap<>();
            if (plain.getMetadata() != null) {
                metadata.putAll(plain.getMetadata());
            }
            metadata.putAll(columnMetadata(column).getMetadataMap());
            FieldType type = new FieldType(plain.isNullable(), plain.getType(), plain.getDictionary(), metadata);
            fields.add(new Field(plain.getName(), type, plain.getChildren()));
        }
        return new Schema(fields);
    }

    /**
     * Returns the Flight SQL column metadata for a column: TYPE_NAME is DuckDB's own type text;
     * PRECISION and SCALE are decimal digits for exact numbers (HUGEINT as its Arrow type,
     * {@code Decimal(38, 0)}) and display length and fractional-second digits for dates and times;
     * they are left out for floating point, strings and nested types, where the Flight SQL JDBC
     * driver applies its own defaults. Strings (VARCHAR, JSON, ENUM) are case-sensitive; nested
     * types are not searchable; nothing is auto-increment.
     */
    public FlightSqlColumnMetadata columnMetadata(ColumnDescription column) {
        DuckDbType type = DuckDbType.parse(column.duckDbType());
        FlightSqlColumnMetadata.Builder builder = new FlightSqlColumnMetadata.Builder()
                .typeName(column.duckDbType())
                .isAutoIncrement(false)
                .isCaseSensitive(isCaseSensitive(type))
                .isReadOnly(column.readOnly())
                .isSearchable(!isNested(type));
        column.source().ifPresent(source -> builder
                .catalogName(source.catalog())
                .schemaName(source.schema())
                .tableName(source.table()));
        column.remarks().ifPresent(builder::remarks);
        ColumnSize.of(type).ifPresent(size -> builder.precision(size.precision()).scale(size.scale()));
        return builder.build();
    }

    /**
     * Returns the Arrow field to declare for a statement parameter of this DuckDB type, chosen so
     * that the Flight SQL JDBC driver (18.3) binds values correctly:
     *
     * <ul>
     *   <li>all integers, HUGEINT included, become {@code Int(64, signed)}: the driver binds any
     *       {@link Number} via {@code longValue()}; HUGEINT values beyond 64 bits cannot be bound;
     *   <li>FLOAT and DOUBLE become {@code FloatingPoint(DOUBLE)}; DECIMAL(p,s) becomes a 128-bit
     *       decimal of the same precision and scale (the driver wants a {@code BigDecimal});
     *   <li>DATE is {@code Date(DAY)}: the driver writes days since the epoch;
     *   <li>every TIMESTAMP kind becomes {@code Timestamp(MILLISECOND)}, with time zone {@code UTC}
     *       for TIMESTAMP WITH TIME ZONE: the driver writes Avatica's epoch milliseconds into any
     *       timestamp vector whatever its unit, so milliseconds is the only unit it fills correctly.
     *       Avatica shifts the value by the client's time zone offset, so the wall-clock time the
     *       client set arrives as if it were UTC;
     *   <li>every TIME kind becomes {@code Time(MILLISECOND, 32)}: the driver writes Avatica's
     *       milliseconds since midnight (an int) into any time vector whatever its unit;
     *   <li>BOOLEAN is {@code Bool}; BLOB is {@code Binary};
     *   <li>everything else (VARCHAR, UUID, JSON, INTERVAL, ENUM, BIT, nested types, and the
     *       {@code UNKNOWN}/{@code INVALID} DuckDB reports for parameters it cannot type) is
     *       {@code Utf8}, which DuckDB casts from text.
     * </ul>
     */
    public Field parameterField(String name, String duckDbType) {
        return Field.nullable(name, parameterType(DuckDbType.parse(duckDbType)));
    }

    /**
     * Returns the {@link Types JDBC type code} the Flight SQL JDBC driver reports for a column of
     * this type, derived the way the driver derives it from the Arrow result type ({@code
     * SqlTypes.getSqlTypeIdFromArrowType}): e.g. FLOAT is {@link Types#FLOAT}, HUGEINT is
     * {@link Types#DECIMAL}, ENUM and UUID are {@link Types#VARCHAR}, lists {@link Types#ARRAY},
     * STRUCT, MAP, UNION and INTERVAL {@link Types#JAVA_OBJECT}.
     */
    public int jdbcType(String duckDbType) {
        Field field = resultField("column", duckDbType);
        ArrowType type = field.getType();
        return switch (type.getTypeID()) {
            case Int -> switch (((ArrowType.Int) type).getBitWidth()) {
                case 8 -> Types.TINYINT;
                case 16 -> Types.SMALLINT;
                case 32 -> Types.INTEGER;
                default -> Types.BIGINT;
            };
            case Binary -> Types.VARBINARY;
            case Utf8 -> Types.VARCHAR;
            case Date -> Types.DATE;
            case Time -> Types.TIME;
            case Timestamp -> ((ArrowType.Timestamp) type).getTimezone() == null
                    ? Types.TIMESTAMP
                    : Types.TIMESTAMP_WITH_TIMEZONE;
            case Bool -> Types.BOOLEAN;
            case Decimal -> Types.DECIMAL;
            case FloatingPoint -> ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.DOUBLE
                    ? Types.DOUBLE
                    : Types.FLOAT;
            case List, FixedSizeList -> Types.ARRAY;
            case Null -> Types.NULL;
            default -> Types.JAVA_OBJECT;
        };
    }

    private Field field(String name, boolean nullable, DuckDbType type, DictionaryIds ids) {
        if (type instanceof DuckDbType.Scalar scalar) {
            return scalarField(name, nullable, scalar.name());
        }
        if (type instanceof DuckDbType.Decimal decimal) {
            return new Field(name, new FieldType(nullable, decimalType(decimal.precision(), decimal.scale()), null), null);
        }
        if (type instanceof DuckDbType.Enumeration enumeration) {
            DictionaryEncoding encoding = new DictionaryEncoding(
                    ids.next(), false, enumIndexType(enumeration.valueCount()));
            return new Field(name, new FieldType(nullable, ArrowType.Utf8.INSTANCE, encoding), null);
        }
        if (type instanceof DuckDbType.Struct struct) {
            List<Field> children = new ArrayList<>();
            for (DuckDbType.Member member : struct.members()) {
                children.add(field(member.name(), true, member.type(), ids));
            }
            return new Field(name, new FieldType(nullable, ArrowType.Struct.INSTANCE, null), children);
        }
        if (type instanceof DuckDbType.Union union) {
            List<Field> children = new ArrayList<>();
            for (DuckDbType.Member member : union.members()) {
                children.add(field(member.name(), true, member.type(), ids));
            }
            int[] typeIds = IntStream.range(0, children.size()).toArray();
            return new Field(name, new FieldType(nullable, new ArrowType.Union(UnionMode.Sparse, typeIds), null), children);
        }
        if (type instanceof DuckDbType.MapOf map) {
            Field key = field("key", false, map.key(), ids);
            Field value = field("value", true, map.value(), ids);
            Field entries = new Field("entries", FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(key, value));
            return new Field(name, new FieldType(nullable, new ArrowType.Map(false), null), List.of(entries));
        }
        if (type instanceof DuckDbType.ListOf list) {
            Field element = field("l", true, list.element(), ids);
            return new Field(name, new FieldType(nullable, ArrowType.List.INSTANCE, null), List.of(element));
        }
        DuckDbType.ArrayOf array = (DuckDbType.ArrayOf) type;
        Field element = field("", true, array.element(), ids);
        return new Field(name, new FieldType(nullable, new ArrowType.FixedSizeList(array.size()), null), List.of(element));
    }

    private Field scalarField(String name, boolean nullable, String typeName) {
        return switch (typeName) {
            case "BIGNUM" -> extensionField(name, nullable, "arrow.opaque",
                    "{\"type_name\":\"bignum\",\"vendor_name\":\"DuckDB\"}");
            case "GEOMETRY" -> extensionField(name, nullable, "geoarrow.wkb", "{}");
            case "VARIANT" -> new Field(name,
                    new FieldType(nullable, ArrowType.Struct.INSTANCE, null,
                            Map.of(EXTENSION_NAME, "arrow.parquet.variant", EXTENSION_METADATA, "")),
                    List.of(Field.notNullable("metadata", ArrowType.Binary.INSTANCE),
                            Field.nullable("value", ArrowType.Binary.INSTANCE)));
            default -> new Field(name, new FieldType(nullable, scalarType(typeName), null), null);
        };
    }

    private static Field extensionField(String name, boolean nullable, String extensionName, String extensionMetadata) {
        Map<String, String> metadata = Map.of(EXTENSION_NAME, extensionName, EXTENSION_METADATA, extensionMetadata);
        return new Field(name, new FieldType(nullable, ArrowType.Binary.INSTANCE, null, metadata), null);
    }

    private ArrowType scalarType(String typeName) {
        return switch (typeName) {
            case "BOOLEAN" -> ArrowType.Bool.INSTANCE;
            case "TINYINT" -> new ArrowType.Int(8, true);
            case "SMALLINT" -> new ArrowType.Int(16, true);
            case "INTEGER" -> new ArrowType.Int(32, true);
            case "BIGINT" -> new ArrowType.Int(64, true);
            case "UTINYINT" -> new ArrowType.Int(8, false);
            case "USMALLINT" -> new ArrowType.Int(16, false);
            case "UINTEGER" -> new ArrowType.Int(32, false);
            case "UBIGINT" -> new ArrowType.Int(64, false);
            case "HUGEINT", "UHUGEINT" -> decimalType(HUGEINT_PRECISION, 0);
            case "FLOAT" -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case "DOUBLE" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case "BLOB", "BIT" -> ArrowType.Binary.INSTANCE;
            case "DATE" -> new ArrowType.Date(DateUnit.DAY);
            case "TIME", "TIME WITH TIME ZONE" -> new ArrowType.Time(TimeUnit.MICROSECOND, 64);
            case "TIME_NS" -> new ArrowType.Time(TimeUnit.NANOSECOND, 64);
            case "TIMESTAMP" -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            case "TIMESTAMP_S" -> new ArrowType.Timestamp(TimeUnit.SECOND, null);
            case "TIMESTAMP_MS" -> new ArrowType.Timestamp(TimeUnit.MILLISECOND, null);
            case "TIMESTAMP_NS" -> new ArrowType.Timestamp(TimeUnit.NANOSECOND, null);
            case "TIMESTAMP WITH TIME ZONE" -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, timeZone);
            case "TIMESTAMPTZ_NS" -> new ArrowType.Timestamp(TimeUnit.NANOSECOND, timeZone);
            case "INTERVAL" -> new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO);
            case "NULL" -> ArrowType.Null.INSTANCE;
            default -> ArrowType.Utf8.INSTANCE;
        };
    }

    private static ArrowType parameterType(DuckDbType type) {
        if (type instanceof DuckDbType.Decimal decimal) {
            return decimalType(decimal.precision(), decimal.scale());
        }
        if (!(type instanceof DuckDbType.Scalar scalar)) {
            return ArrowType.Utf8.INSTANCE;
        }
        return switch (scalar.name()) {
            case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
                    "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT" -> new ArrowType.Int(64, true);
            case "FLOAT", "DOUBLE" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case "BOOLEAN" -> ArrowType.Bool.INSTANCE;
            case "BLOB" -> ArrowType.Binary.INSTANCE;
            case "DATE" -> new ArrowType.Date(DateUnit.DAY);
            case "TIME", "TIME WITH TIME ZONE", "TIME_NS" -> new ArrowType.Time(TimeUnit.MILLISECOND, 32);
            case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS" ->
                    new ArrowType.Timestamp(TimeUnit.MILLISECOND, null);
            case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ_NS" -> new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC");
            default -> ArrowType.Utf8.INSTANCE;
        };
    }

    private static ArrowType.Decimal decimalType(int precision, int scale) {
        return new ArrowType.Decimal(precision, scale, DECIMAL_BIT_WIDTH);
    }

    /** DuckDB stores ENUM values as the smallest unsigned integer that can count them. */
    private static ArrowType.Int enumIndexType(int valueCount) {
        if (valueCount <= 0xFF) {
            return new ArrowType.Int(8, false);
        }
        if (valueCount <= 0xFFFF) {
            return new ArrowType.Int(16, false);
        }
        return new ArrowType.Int(32, false);
    }

    private static boolean isCaseSensitive(DuckDbType type) {
        if (type instanceof DuckDbType.Enumeration) {
            return true;
        }
        return type instanceof DuckDbType.Scalar scalar
                && (scalar.name().equals("VARCHAR") || scalar.name().equals("JSON"));
    }

    private static boolean isNested(DuckDbType type) {
        return type instanceof DuckDbType.Struct
                || type instanceof DuckDbType.Union
                || type instanceof DuckDbType.MapOf
                || type instanceof DuckDbType.ListOf
                || type instanceof DuckDbType.ArrayOf
                || (type instanceof DuckDbType.Scalar scalar && scalar.name().equals("VARIANT"));
    }

    /** Hands out dictionary ids in the depth-first order DuckDB uses. Not thread-safe; one per schema. */
    private static final class DictionaryIds {
        private long next;

        long next() {
            return next++;
        }
    }
}
