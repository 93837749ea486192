package dev.pondhouse.server.query.metadata;

import java.util.Optional;

/**
 * The JDBC-style size of a column type: for exact numbers, decimal digits and digits after the
 * point; for dates and times, the length of the printed value and its fractional-second digits
 * (the lengths the Flight SQL JDBC driver itself uses, e.g. 26 and 6 for a microsecond
 * timestamp, plus 6 for a {@code +HH:MM} offset).
 */
record ColumnSize(int precision, int scale) {

    private static final int DATE_LENGTH = "YYYY-MM-DD".length();
    private static final int TIME_LENGTH = "HH:MM:SS".length();
    private static final int OFFSET_LENGTH = "+HH:MM".length();

    ColumnSize {
        if (precision < 1 || scale < 0) {
            throw new IllegalArgumentException("invalid column size " + precision + "," + scale);
        }
    }

    /** Returns the size for the type, or empty where it has none (floating point, strings, nested). */
    static Optional<ColumnSize> of(DuckDbType type) {
        if (type instanceof DuckDbType.Decimal decimal) {
            return Optional.of(new ColumnSize(decimal.precision(), decimal.scale()));
        }
        if (!(type instanceof DuckDbType.Scalar scalar)) {
            return Optional.empty();
        }
        return switch (scalar.name()) {
            case "TINYINT", "UTINYINT" -> exact(3);
            case "SMALLINT", "USMALLINT" -> exact(5);
            case "INTEGER", "UINTEGER" -> exact(10);
            case "BIGINT" -> exact(19);
            case "UBIGINT" -> exact(20);
            case "HUGEINT", "UHUGEINT" -> exact(38);
            case "DATE" -> Optional.of(new ColumnSize(DATE_LENGTH, 0));
            case "TIME" -> time(6, 0);
            case "TIME_NS" -> time(9, 0);
            case "TIME WITH TIME ZONE" -> time(6, OFFSET_LENGTH);
            case "TIMESTAMP_S" -> timestamp(0, 0);
            case "TIMESTAMP_MS" -> timestamp(3, 0);
            case "TIMESTAMP" -> timestamp(6, 0);
            case "TIMESTAMP_NS" -> timestamp(9, 0);
            case "TIMESTAMP WITH TIME ZONE" -> timestamp(6, OFFSET_LENGTH);
            case "TIMESTAMPTZ_NS" -> timestamp(9, OFFSET_LENGTH);
            default -> Optional.empty();
        };
    }

    private static Optional<ColumnSize> exact(int digits) {
        return Optional.of(new ColumnSize(digits, 0));
    }

    private static Optional<ColumnSize> time(int fractionDigits, int offsetLength) {
        return Optional.of(new ColumnSize(
                TIME_LENGTH + fractionLength(fractionDigits) + offsetLength, fractionDigits));
    }

    private static Optional<ColumnSize> timestamp(int fractionDigits, int offsetLength) {
        return Optional.of(new ColumnSize(
                DATE_LENGTH + 1 + TIME_LENGTH + fractionLength(fractionDigits) + offsetLength, fractionDigits));
    }

    private static int fractionLength(int fractionDigits) {
        return fractionDigits == 0 ? 0 : 1 + fractionDigits;
    }
}
