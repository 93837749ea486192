package dev.pondhouse.server.query;

import dev.pondhouse.server.error.PondhouseException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.util.Text;

/**
 * Turns the parameter rows a client sends (an Arrow batch, one column per parameter) into the Java
 * values DuckDB's JDBC driver binds: strings, numbers, {@link BigDecimal}, {@link LocalDate},
 * {@link LocalDateTime}, {@link OffsetDateTime}, {@link LocalTime}, byte arrays, booleans.
 */
final class ArrowParameters {
    private ArrowParameters() {}

    static List<List<Object>> rows(VectorSchemaRoot batch) {
        List<List<Object>> rows = new ArrayList<>(batch.getRowCount());
        for (int row = 0; row < batch.getRowCount(); row++) {
            List<Object> values = new ArrayList<>(batch.getFieldVectors().size());
            for (FieldVector vector : batch.getFieldVectors()) {
                values.add(value(vector, row));
            }
            rows.add(Collections.unmodifiableList(values));
        }
        return rows;
    }

    static Object value(FieldVector vector, int row) {
        if (vector.isNull(row)) {
            return null;
        }
        if (vector instanceof DateDayVector days) {
            return LocalDate.ofEpochDay(days.get(row));
        }
        if (vector instanceof DateMilliVector millis) {
            return LocalDate.ofEpochDay(Math.floorDiv(millis.get(row), TimeUnit.DAYS.toMillis(1)));
        }
        if (vector instanceof TimeStampVector timestamps) {
            return timestamp(timestamps, row);
        }
        if (vector instanceof TimeSecVector seconds) {
            return LocalTime.ofSecondOfDay(seconds.get(row));
        }
        if (vector instanceof TimeMilliVector millis) {
            return LocalTime.ofNanoOfDay(TimeUnit.MILLISECONDS.toNanos(millis.get(row)));
        }
        if (vector instanceof TimeMicroVector micros) {
            return LocalTime.ofNanoOfDay(TimeUnit.MICROSECONDS.toNanos(micros.get(row)));
        }
        if (vector instanceof TimeNanoVector nanos) {
            return LocalTime.ofNanoOfDay(nanos.get(row));
        }
        Object value = vector.getObject(row);
        if (value instanceof Text text) {
            return text.toString();
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean || value instanceof byte[]
                || value instanceof BigDecimal) {
            return value;
        }
        throw PondhouseException.userError("parameter " + vector.getField().getName() + " has Arrow type "
                + vector.getField().getType() + ", which cannot be bound; send it as a string, number, boolean, "
                + "date, time, timestamp or binary value");
    }

    private static Object timestamp(TimeStampVector vector, int row) {
        ArrowType.Timestamp type = (ArrowType.Timestamp) vector.getField().getType();
        long raw = vector.get(row);
        Instant instant = switch (type.getUnit()) {
            case SECOND -> Instant.ofEpochSecond(raw);
            case MILLISECOND -> Instant.ofEpochMilli(raw);
            case MICROSECOND -> Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000L), Math.floorMod(raw, 1_000_000L) * 1_000L);
            case NANOSECOND -> Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000_000L), Math.floorMod(raw, 1_000_000_000L));
        };
        if (type.getTimezone() == null) {
            return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        }
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
