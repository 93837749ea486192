package dev.pondhouse.server.lake.delta;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a local Delta table with Delta Kernel, the independent reader of these tests: its version,
 * schema, data files, and every row as text ({@code |} between columns, {@code NULL} for null, dates
 * ISO, decimals plain, timestamps as microseconds since the epoch), in the order of the given columns.
 * Public for the tests of other lake packages (maintenance).
 */
public final class KernelTableReader {
    /** What Delta Kernel sees of the table. */
    public record KernelTable(long version, StructType schema, List<String> files, List<String> rows) {}

    private KernelTableReader() {}

    public static KernelTable read(Path tableFolder, List<String> columns) throws Exception {
        Engine engine = DefaultEngine.create(new Configuration());
        Snapshot snapshot = Table.forPath(engine, tableFolder.toString()).getLatestSnapshot(engine);
        StructType schema = snapshot.getSchema(engine);
        Scan scan = snapshot.getScanBuilder(engine).build();
        Row scanState = scan.getScanState(engine);
        StructType readSchema = ScanStateRow.getPhysicalDataReadSchema(engine, scanState);
        List<String> files = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
            while (scanFiles.hasNext()) {
                try (CloseableIterator<Row> fileRows = scanFiles.next().getRows()) {
                    while (fileRows.hasNext()) {
                        Row file = fileRows.next();
                        FileStatus status = InternalScanFileUtils.getAddFileStatus(file);
                        files.add(status.getPath());
                        CloseableIterator<ColumnarBatch> physical = engine.getParquetHandler()
                                .readParquetFiles(singleton(status), readSchema, Optional.empty());
                        try (CloseableIterator<FilteredColumnarBatch> data =
                                Scan.transformPhysicalData(engine, scanState, file, physical)) {
                            while (data.hasNext()) {
                                addRows(data.next(), columns, rows);
                            }
                        }
                    }
                }
            }
        }
        return new KernelTable(snapshot.getVersion(engine), schema, files, rows);
    }

    private static void addRows(FilteredColumnarBatch batch, List<String> columns, List<String> rows) {
        ColumnarBatch data = batch.getData();
        StructType schema = data.getSchema();
        Optional<ColumnVector> selection = batch.getSelectionVector();
        for (int row = 0; row < data.getSize(); row++) {
            if (selection.isPresent() && (selection.get().isNullAt(row) || !selection.get().getBoolean(row))) {
                continue;
            }
            StringBuilder text = new StringBuilder();
            for (String column : columns) {
                int index = schema.indexOf(column);
                if (index < 0) {
                    throw new AssertionError("Delta Kernel's rows have no column " + column + ": " + schema);
                }
                if (!text.isEmpty()) {
                    text.append('|');
                }
                text.append(value(data.getColumnVector(index), row));
            }
            rows.add(text.toString());
        }
    }

    private static String value(ColumnVector vector, int row) {
        if (vector.isNullAt(row)) {
            return "NULL";
        }
        DataType type = vector.getDataType();
        if (type instanceof LongType || type instanceof TimestampType) {
            return Long.toString(vector.getLong(row));
        }
        if (type instanceof IntegerType) {
            return Integer.toString(vector.getInt(row));
        }
        if (type instanceof StringType) {
            return vector.getString(row);
        }
        if (type instanceof DateType) {
            return LocalDate.ofEpochDay(vector.getInt(row)).toString();
        }
        if (type instanceof DecimalType) {
            return vector.getDecimal(row).toPlainString();
        }
        if (type instanceof BooleanType) {
            return Boolean.toString(vector.getBoolean(row));
        }
        if (type instanceof DoubleType) {
            return Double.toString(vector.getDouble(row));
        }
        throw new AssertionError("no text form for " + type + " in this test reader");
    }

    private static CloseableIterator<FileStatus> singleton(FileStatus status) {
        return new CloseableIterator<>() {
            private boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public FileStatus next() {
                done = true;
                return status;
            }

            @Override
            public void close() {
                done = true;
            }
        };
    }
}
