package dev.pondhouse.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.engine.SqlIdentifiers;
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
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TPC-H tables the demo writes, read by an independent Delta reader (Delta Kernel): same
 * version, same schema, the same rows as DuckDB reads from the files.
 */
class DeltaKernelReadsTpchTest {
    @TempDir
    Path lake;

    /** Rows read through Delta Kernel and the sum of one DECIMAL column, row by row. */
    private record KernelRead(long version, StructType schema, long rows, BigDecimal sum) {}

    private static KernelRead readWithKernel(Path tableFolder, String decimalColumn) throws Exception {
        Engine engine = DefaultEngine.create(new Configuration());
        Snapshot snapshot = Table.forPath(engine, tableFolder.toString()).getLatestSnapshot(engine);
        StructType schema = snapshot.getSchema(engine);
        int decimalIndex = schema.indexOf(decimalColumn);
        Scan scan = snapshot.getScanBuilder(engine).build();
        Row scanState = scan.getScanState(engine);
        StructType readSchema = ScanStateRow.getPhysicalDataReadSchema(engine, scanState);
        long rows = 0;
        BigDecimal sum = BigDecimal.ZERO;
        try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
            while (scanFiles.hasNext()) {
                try (CloseableIterator<Row> files = scanFiles.next().getRows()) {
                    while (files.hasNext()) {
                        Row file = files.next();
                        FileStatus status = InternalScanFileUtils.getAddFileStatus(file);
                        CloseableIterator<ColumnarBatch> physical = engine.getParquetHandler()
                                .readParquetFiles(singleton(status), readSchema, Optional.empty());
                        try (CloseableIterator<FilteredColumnarBatch> data = Scan.transformPhysicalData(engine, scanState, file, physical)) {
                            while (data.hasNext()) {
                                FilteredColumnarBatch batch = data.next();
                                ColumnVector values = batch.getData().getColumnVector(decimalIndex);
                                Optional<ColumnVector> selection = batch.getSelectionVector();
                                for (int row = 0; row < batch.getData().getSize(); row++) {
                                    if (selection.isPresent() && (selection.get().isNullAt(row) || !selection.get().getBoolean(row))) {
                                        continue;
                                    }
                                    rows++;
                                    if (!values.isNullAt(row)) {
                                        sum = sum.add(values.getDecimal(row));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new KernelRead(snapshot.getVersion(engine), schema, rows, sum);
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

    @Test
    void deltaKernelReadsTheSameRowsAsDuckDb() throws Exception {
        new TpchLakeGenerator(lake, 2).generate(0.01, GenerationProgress.ignoring());

        for (List<String> table : List.of(List.of("lineitem", "l_extendedprice"), List.of("orders", "o_totalprice"),
                List.of("partsupp", "ps_supplycost"), List.of("customer", "c_acctbal"))) {
            Path folder = lake.resolve("tpch").resolve(table.get(0));
            KernelRead kernel = readWithKernel(folder, table.get(1));

            try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*), sum(" + table.get(1) + ") FROM read_parquet("
                            + SqlIdentifiers.literal(folder.resolve("*.parquet").toString()) + ")")) {
                assertThat(result.next()).isTrue();
                assertThat(kernel.version()).isZero();
                assertThat(kernel.rows()).as("rows of %s", table.get(0)).isEqualTo(result.getLong(1));
                assertThat(kernel.sum()).as("sum of %s", table.get(1)).isEqualByComparingTo(result.getBigDecimal(2));
            }
        }
        KernelRead lineitem = readWithKernel(lake.resolve("tpch/lineitem"), "l_quantity");
        assertThat(lineitem.schema().get("l_orderkey").getDataType().toString()).isEqualTo("long");
        assertThat(lineitem.schema().get("l_shipdate").getDataType().toString()).isEqualTo("date");
        assertThat(lineitem.rows()).isEqualTo(60_175);
    }
}
