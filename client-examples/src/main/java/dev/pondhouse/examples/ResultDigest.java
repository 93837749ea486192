package dev.pondhouse.examples;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * What reading a whole result produced: its shape, how many non-null values were read, and a hash of
 * the values. Reading every value is the point: a benchmark that only counts rows would let a driver
 * skip the work a real client does.
 *
 * <p>{@code rows}, {@code columns} and {@code nonNullValues} are comparable between JDBC and Arrow
 * readers; {@code valueHash} is only comparable between readers of the same kind (JDBC objects hash
 * differently from Arrow buffers) and mainly keeps the reads from being optimized away.
 */
public record ResultDigest(long rows, int columns, long nonNullValues, long valueHash) {
    public ResultDigest {
        if (rows < 0 || columns < 0 || nonNullValues < 0) {
            throw new IllegalArgumentException("negative count in " + rows + " rows, " + columns
                    + " columns, " + nonNullValues + " non-null values");
        }
    }

    /** Reads every column of every row with {@link ResultSet#getObject(int)}. */
    public static ResultDigest readAll(ResultSet resultSet) throws SQLException {
        int columns = resultSet.getMetaData().getColumnCount();
        long rows = 0;
        long nonNullValues = 0;
        long hash = 1;
        while (resultSet.next()) {
            rows++;
            for (int column = 1; column <= columns; column++) {
                Object value = resultSet.getObject(column);
                if (value != null) {
                    nonNullValues++;
                    hash = 31 * hash + value.hashCode();
                }
            }
        }
        return new ResultDigest(rows, columns, nonNullValues, hash);
    }

    /** Reads every value of every vector of every batch, hashing the value's bytes. */
    public static ResultDigest readAll(ArrowReader reader) throws IOException {
        int columns = reader.getVectorSchemaRoot().getSchema().getFields().size();
        long rows = 0;
        long nonNullValues = 0;
        long hash = 1;
        while (reader.loadNextBatch()) {
            VectorSchemaRoot batch = reader.getVectorSchemaRoot();
            int batchRows = batch.getRowCount();
            for (FieldVector vector : batch.getFieldVectors()) {
                for (int row = 0; row < batchRows; row++) {
                    if (!vector.isNull(row)) {
                        nonNullValues++;
                        hash = 31 * hash + vector.hashCode(row);
                    }
                }
            }
            rows += batchRows;
        }
        return new ResultDigest(rows, columns, nonNullValues, hash);
    }

    /** Whether another reader saw the same result, ignoring the hash (see the class comment). */
    public boolean sameShape(ResultDigest other) {
        return rows == other.rows && columns == other.columns && nonNullValues == other.nonNullValues;
    }

    public String describe() {
        return String.format("%,d rows x %d columns, %,d non-null values", rows, columns, nonNullValues);
    }
}
