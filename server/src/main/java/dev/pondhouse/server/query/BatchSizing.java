package dev.pondhouse.server.query;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Chooses how many rows go into one Arrow record batch: about {@code targetBytes} per batch, from
 * an estimate of the row width, within {@code [MINIMUM_ROWS, maximumRows]}.
 *
 * <p>Why bytes and not rows: a batch then takes about the same memory whatever the width of a row,
 * and Flight's back-pressure threshold (the server sets it to four target-sized batches) always
 * holds several batches, so producing and sending overlap. Measured on a full {@code lineitem} read
 * once the streamer stopped waiting a whole second for each back-pressure pause (see
 * {@code ResultStreamer}): 2, 4, 8 and 16 MB batches within a few percent of each other through
 * ADBC and through the Flight SQL JDBC driver; the default is 8 MB. (Earlier measurements that
 * found small batches very slow for the JDBC driver were measuring those pauses.)
 */
final class BatchSizing {
    static final int MINIMUM_ROWS = 1_024;

    private BatchSizing() {}

    static int rowsPerBatch(ResultSetMetaData metadata, long targetBytes, int maximumRows) throws SQLException {
        long rowBytes = 0;
        for (int column = 1; column <= metadata.getColumnCount(); column++) {
            rowBytes += estimatedWidth(metadata.getColumnType(column));
        }
        long rows = targetBytes / Math.max(1, rowBytes);
        return (int) Math.max(Math.min(MINIMUM_ROWS, maximumRows), Math.min(rows, maximumRows));
    }

    /** Bytes one value takes in Arrow, roughly: fixed widths exactly, variable ones by a typical size. */
    static int estimatedWidth(int jdbcType) {
        return switch (jdbcType) {
            case Types.BOOLEAN, Types.BIT, Types.TINYINT -> 1;
            case Types.SMALLINT -> 2;
            case Types.INTEGER, Types.REAL, Types.FLOAT, Types.DATE -> 4;
            case Types.BIGINT, Types.DOUBLE, Types.TIME, Types.TIME_WITH_TIMEZONE, Types.TIMESTAMP,
                    Types.TIMESTAMP_WITH_TIMEZONE -> 8;
            case Types.DECIMAL, Types.NUMERIC, Types.OTHER -> 16;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.BINARY,
                    Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> 36;
            default -> 64;
        };
    }
}
