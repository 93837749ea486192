package dev.pondhouse.server.query.metadata;

import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_BIGINT;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_BINARY;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_BIT;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_CHAR;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_DATE;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_DECIMAL;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_FLOAT;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_INTEGER;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_INTERVAL_DAY_TIME;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_INTERVAL_YEAR_MONTH;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_LONGVARBINARY;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_LONGVARCHAR;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_NUMERIC;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_REAL;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_SMALLINT;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_TIME;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_TIMESTAMP;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_TINYINT;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_VARBINARY;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_VARCHAR;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert;

/**
 * The {@code CAST} conversions DuckDB supports, in the terms of Flight SQL's
 * {@code SQL_SUPPORTS_CONVERT} (JDBC {@code supportsConvert}): numbers (and booleans, JDBC BIT)
 * convert to each other and to text; text converts to everything; dates and timestamps to each
 * other, timestamps to times, binaries to each other, intervals to each other, and all of them
 * to text. The tests check every listed pair against DuckDB's binder.
 */
final class SqlConversions {

    private static final Set<SqlSupportsConvert> NUMBERS = EnumSet.of(SQL_CONVERT_BIGINT, SQL_CONVERT_BIT,
            SQL_CONVERT_DECIMAL, SQL_CONVERT_FLOAT, SQL_CONVERT_INTEGER, SQL_CONVERT_NUMERIC, SQL_CONVERT_REAL,
            SQL_CONVERT_SMALLINT, SQL_CONVERT_TINYINT);
    private static final Set<SqlSupportsConvert> TEXTS =
            EnumSet.of(SQL_CONVERT_CHAR, SQL_CONVERT_VARCHAR, SQL_CONVERT_LONGVARCHAR);
    private static final Set<SqlSupportsConvert> BINARIES =
            EnumSet.of(SQL_CONVERT_BINARY, SQL_CONVERT_VARBINARY, SQL_CONVERT_LONGVARBINARY);
    private static final Set<SqlSupportsConvert> INTERVALS =
            EnumSet.of(SQL_CONVERT_INTERVAL_DAY_TIME, SQL_CONVERT_INTERVAL_YEAR_MONTH);

    private SqlConversions() {
    }

    /** Maps each source type number to the type numbers it converts to. */
    static Map<Integer, List<Integer>> supported() {
        Map<SqlSupportsConvert, Set<SqlSupportsConvert>> conversions = new LinkedHashMap<>();
        NUMBERS.forEach(number -> conversions.put(number, union(NUMBERS, TEXTS)));
        TEXTS.forEach(text -> conversions.put(text, everything()));
        BINARIES.forEach(binary -> conversions.put(binary, union(BINARIES, TEXTS)));
        INTERVALS.forEach(interval -> conversions.put(interval, union(INTERVALS, TEXTS)));
        conversions.put(SQL_CONVERT_DATE, union(EnumSet.of(SQL_CONVERT_DATE, SQL_CONVERT_TIMESTAMP), TEXTS));
        conversions.put(SQL_CONVERT_TIME, union(EnumSet.of(SQL_CONVERT_TIME), TEXTS));
        conversions.put(SQL_CONVERT_TIMESTAMP,
                union(EnumSet.of(SQL_CONVERT_DATE, SQL_CONVERT_TIME, SQL_CONVERT_TIMESTAMP), TEXTS));
        Map<Integer, List<Integer>> numbers = new LinkedHashMap<>();
        conversions.forEach((from, targets) -> numbers.put(from.getNumber(),
                targets.stream().map(SqlSupportsConvert::getNumber).toList()));
        return numbers;
    }

    private static Set<SqlSupportsConvert> union(Set<SqlSupportsConvert> first, Set<SqlSupportsConvert> second) {
        Set<SqlSupportsConvert> union = EnumSet.copyOf(first);
        union.addAll(second);
        return union;
    }

    private static Set<SqlSupportsConvert> everything() {
        Set<SqlSupportsConvert> all = EnumSet.allOf(SqlSupportsConvert.class);
        all.remove(SqlSupportsConvert.UNRECOGNIZED);
        return all;
    }
}
