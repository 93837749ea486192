package dev.pondhouse.server.demo;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.engine.SqlIdentifiers;
import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchColumnType;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes one part of one TPC-H table as one Parquet file.
 *
 * <p>Rows come from the {@code io.trino.tpch} generator and go, as typed values, through a DuckDB
 * appender into a scratch table; one {@code COPY ... (FORMAT parquet, COMPRESSION zstd)} then writes
 * the file and the scratch table is dropped. Typed appending keeps every value exact (money goes in
 * as unscaled cents) and avoids formatting and re-parsing text.
 *
 * <p>Column types: identifiers {@code BIGINT}, integers {@code INTEGER}, money and other decimals
 * {@code DECIMAL(15,2)}, dates {@code DATE}, strings {@code VARCHAR}; column names as the generator
 * names them ({@code l_orderkey}, ...).
 *
 * <p>Not thread-safe: an instance uses one DuckDB connection, and a connection is never shared
 * between threads.
 */
final class TpchPartWriter {
    /** Rows between two progress reports (and two checks for interruption). */
    static final int PROGRESS_INTERVAL_ROWS = 50_000;

    private final DuckDBConnection connection;

    TpchPartWriter(DuckDBConnection connection) {
        this.connection = requireNonNull(connection, "connection is null");
    }

    /** The DuckDB type a generator column is stored as. */
    static String duckDbType(TpchColumnType type) {
        return switch (type.getBase()) {
            case IDENTIFIER -> "BIGINT";
            case INTEGER -> "INTEGER";
            case DOUBLE -> "DECIMAL(15,2)";
            case DATE -> "DATE";
            case VARCHAR -> "VARCHAR";
        };
    }

    /**
     * Generates part {@code part} of {@code partCount} of {@code table} at {@code scaleFactor} and
     * writes it to {@code parquetFile}, which must not exist yet.
     *
     * @param rowsWritten receives the number of rows written since its previous call, every {@link
     *     #PROGRESS_INTERVAL_ROWS} rows and once at the end (after the file is complete)
     * @return the number of rows in the file
     * @throws InterruptedException if the current thread is interrupted; the file may then be
     *     partly written
     */
    long write(TpchTable<?> table, double scaleFactor, int part, int partCount, Path parquetFile, LongConsumer rowsWritten)
            throws SQLException, InterruptedException {
        requireNonNull(table, "table is null");
        requireNonNull(parquetFile, "parquetFile is null");
        requireNonNull(rowsWritten, "rowsWritten is null");
        if (part < 1 || part > partCount) {
            throw new IllegalArgumentException("part must be between 1 and partCount " + partCount + ", got " + part);
        }
        return writeTyped(table, scaleFactor, part, partCount, parquetFile, rowsWritten);
    }

    private <E extends TpchEntity> long writeTyped(
            TpchTable<E> table, double scaleFactor, int part, int partCount, Path parquetFile, LongConsumer rowsWritten)
            throws SQLException, InterruptedException {
        String scratchTable = "scratch_" + table.getTableName() + "_" + part + "_of_" + partCount;
        List<TpchColumn<E>> columns = table.getColumns();
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + SqlIdentifiers.quote(scratchTable) + " (" + columnDefinitions(columns) + ")");
            Throwable failure = null;
            try {
                long rows = append(table.createGenerator(scaleFactor, part, partCount), columns, scratchTable, rowsWritten);
                statement.execute("COPY " + SqlIdentifiers.quote(scratchTable)
                        + " TO " + SqlIdentifiers.literal(parquetFile.toString())
                        + " (FORMAT parquet, COMPRESSION zstd)");
                rowsWritten.accept(rows % PROGRESS_INTERVAL_ROWS);
                return rows;
            } catch (Throwable e) {
                failure = e;
                throw e;
            } finally {
                dropScratchTable(statement, scratchTable, failure);
            }
        }
    }

    private <E extends TpchEntity> long append(
            Iterable<E> generator, List<TpchColumn<E>> columns, String scratchTable, LongConsumer rowsWritten)
            throws SQLException, InterruptedException {
        List<ColumnAppender<E>> appenders = columns.stream().map(TpchPartWriter::columnAppender).toList();
        long rows = 0;
        try (DuckDBAppender appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, scratchTable)) {
            for (E row : generator) {
                appender.beginRow();
                for (ColumnAppender<E> column : appenders) {
                    column.append(appender, row);
                }
                appender.endRow();
                rows++;
                if (rows % PROGRESS_INTERVAL_ROWS == 0) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("interrupted while generating " + scratchTable);
                    }
                    rowsWritten.accept(PROGRESS_INTERVAL_ROWS);
                }
            }
        }
        return rows;
    }

    private static <E extends TpchEntity> String columnDefinitions(List<TpchColumn<E>> columns) {
        return columns.stream()
                .map(column -> SqlIdentifiers.quote(column.getColumnName()) + " " + duckDbType(column.getType()) + " NOT NULL")
                .collect(Collectors.joining(", "));
    }

    private static <E extends TpchEntity> ColumnAppender<E> columnAppender(TpchColumn<E> column) {
        return switch (column.getType().getBase()) {
            case IDENTIFIER -> (appender, row) -> appender.append(column.getIdentifier(row));
            case INTEGER -> (appender, row) -> appender.append(column.getInteger(row));
            // The generator's doubles are whole cents (or hundredths) divided by 100; rounding recovers them exactly.
            case DOUBLE -> (appender, row) -> appender.appendDecimal(Math.round(column.getDouble(row) * 100));
            // The generator's dates are days since 1970-01-01.
            case DATE -> (appender, row) -> appender.appendEpochDays(column.getDate(row));
            case VARCHAR -> (appender, row) -> appender.append(column.getString(row));
        };
    }

    private static void dropScratchTable(Statement statement, String scratchTable, Throwable failure) throws SQLException {
        try {
            statement.execute("DROP TABLE IF EXISTS " + SqlIdentifiers.quote(scratchTable));
        } catch (SQLException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    @FunctionalInterface
    private interface ColumnAppender<E> {
        void append(DuckDBAppender appender, E row) throws SQLException;
    }
}
