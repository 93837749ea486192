package dev.pondhouse.server.lake.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.DeltaWriteException.Reason;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lost races decided by the Delta conflict rules, made deterministic: the rival write commits just
 * before the write under test tries its version ({@link InterleavingBlobStore}).
 */
class DeltaTableWriterConflictTest extends DeltaTableWriterTestBase {
    private BlobStore store;
    private DeltaTableWriter plain;

    @Override
    protected BlobStore store() {
        return new LocalBlobStore(directory.resolve("lake"));
    }

    @BeforeEach
    void setUp() {
        store = store();
        plain = writer(store, DeltaWriterSettings.DEFAULT);
    }

    private void createTable(List<String> partitionColumns) throws Exception {
        plain.write(duckdb, WriteRequest.create(TableData.query(rows(0, 8)), partitionColumns));
        execute(duckdb, "INSERT INTO expected " + rows(0, 8));
    }

    private DeltaTableWriter losingTo(InterleavingBlobStore.Rival rival) {
        return writer(new InterleavingBlobStore(store, rival), DeltaWriterSettings.DEFAULT);
    }

    private void assertTableHoldsExpectedRows(long version) throws Exception {
        KernelTableReader.KernelTable kernel = kernelRead(store, COLUMNS);
        assertThat(kernel.version()).isEqualTo(version);
        assertThat(sorted(kernel.rows())).isEqualTo(expectedRows(duckdb));
    }

    @Test
    void anAppendCommitsAfterAnOverwriteThatWon() throws Exception {
        createTable(List.of());
        DeltaTableWriter appender = losingTo(() -> {
            plain.write(duckdb, WriteRequest.overwrite(TableData.query(rows(500, 5))));
            execute(duckdb, "DELETE FROM expected");
            execute(duckdb, "INSERT INTO expected " + rows(500, 5));
        });

        WriteResult result = appender.write(duckdb, WriteRequest.append(TableData.query(rows(100, 4))));
        execute(duckdb, "INSERT INTO expected " + rows(100, 4));

        assertThat(result.version()).isEqualTo(2);
        assertThat(result.attempts()).isEqualTo(2);
        assertTableHoldsExpectedRows(2);
    }

    @Test
    void anOverwriteConflictsWithAnAppendThatWon() throws Exception {
        createTable(List.of());
        DeltaTableWriter overwriter = losingTo(() -> append(plain, rows(100, 4)));

        assertThatThrownBy(() -> overwriter.write(duckdb, WriteRequest.overwrite(TableData.query(rows(500, 5)))))
                .isInstanceOf(DeltaWriteException.class)
                .hasMessageContaining("version 1 added data")
                .hasMessageContaining("nothing was committed")
                .extracting(e -> ((DeltaWriteException) e).reason()).isEqualTo(Reason.CONFLICT);
        assertTableHoldsExpectedRows(1);
    }

    @Test
    void replacingPartitionsCommitsAfterAnAppendIntoOtherPartitions() throws Exception {
        createTable(List.of("region"));
        String south = "SELECT * FROM (" + rows(100, 8) + ") WHERE region = 'south west'";
        String north = "SELECT * FROM (" + rows(500, 8) + ") WHERE region = 'north'";
        DeltaTableWriter replacer = losingTo(() -> append(plain, south));

        WriteResult result = replacer.write(duckdb, WriteRequest.replacePartitions(TableData.query(north)));
        execute(duckdb, "DELETE FROM expected WHERE region = 'north'");
        execute(duckdb, "INSERT INTO expected " + north);

        assertThat(result.version()).isEqualTo(2);
        assertTableHoldsExpectedRows(2);
    }

    @Test
    void replacingPartitionsConflictsWithAnAppendIntoThem() throws Exception {
        createTable(List.of("region"));
        String north = "SELECT * FROM (" + rows(500, 8) + ") WHERE region = 'north'";
        DeltaTableWriter replacer = losingTo(() -> append(plain, "SELECT * FROM (" + rows(100, 8) + ") WHERE region = 'north'"));

        assertThatThrownBy(() -> replacer.write(duckdb, WriteRequest.replacePartitions(TableData.query(north))))
                .isInstanceOf(DeltaWriteException.class)
                .hasMessageContaining("into the partition {region=Optional[north]}")
                .extracting(e -> ((DeltaWriteException) e).reason()).isEqualTo(Reason.CONFLICT);
        assertTableHoldsExpectedRows(1);
    }

    @Test
    void twoRewritesOfTheSameFileConflict() throws Exception {
        createTable(List.of());
        String file = plain.log().latest().orElseThrow().activeFiles().get(0).path();
        String sameRows = "SELECT * FROM read_parquet("
                + SqlIdentifiers.literal(directory.resolve("lake").resolve(ROOT + file).toString()) + ")";
        DeltaTableWriter compactor = losingTo(() -> plain.write(duckdb,
                WriteRequest.rewrite(TableData.query(sameRows), Set.of(file))));

        assertThatThrownBy(() -> compactor.write(duckdb, WriteRequest.rewrite(TableData.query(sameRows), Set.of(file))))
                .isInstanceOf(DeltaWriteException.class)
                .hasMessageContaining("removed the file " + file + ", which this write removes too")
                .extracting(e -> ((DeltaWriteException) e).reason()).isEqualTo(Reason.CONFLICT);
        assertTableHoldsExpectedRows(1);
        assertThat(plain.log().readCommit(1)).filteredOn(action -> action instanceof RemoveFile)
                .singleElement().extracting(action -> ((RemoveFile) action).dataChange()).isEqualTo(false);
    }

    @Test
    void anAppendAndARewriteDoNotConflict() throws Exception {
        createTable(List.of());
        String file = plain.log().latest().orElseThrow().activeFiles().get(0).path();
        String sameRows = "SELECT * FROM read_parquet("
                + SqlIdentifiers.literal(directory.resolve("lake").resolve(ROOT + file).toString()) + ")";
        DeltaTableWriter compactor = losingTo(() -> append(plain, rows(100, 4)));

        WriteResult result = compactor.write(duckdb, WriteRequest.rewrite(TableData.query(sameRows), Set.of(file)));

        assertThat(result.version()).isEqualTo(2);
        assertTableHoldsExpectedRows(2);
    }

    @Test
    void aSchemaChangeThatWonAbortsAnAppend() throws Exception {
        createTable(List.of());
        DeltaTableWriter appender = losingTo(() -> plain.write(duckdb,
                WriteRequest.overwrite(TableData.query("SELECT 1::BIGINT AS id, 'x' AS other"))));

        assertThatThrownBy(() -> appender.write(duckdb, WriteRequest.append(TableData.query(rows(100, 4)))))
                .isInstanceOf(DeltaWriteException.class)
                .hasMessageContaining("version 1 changed the table's metadata")
                .extracting(e -> ((DeltaWriteException) e).reason()).isEqualTo(Reason.CONFLICT);
        assertThat(plain.log().latest().orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void aCreateRacingACreateFindsTheTableExists() {
        DeltaTableWriter creator = losingTo(() -> createTable(List.of()));

        assertThatThrownBy(() -> creator.write(duckdb, WriteRequest.create(TableData.query(rows(100, 4)), List.of())))
                .isInstanceOf(DeltaWriteException.class)
                .extracting(e -> ((DeltaWriteException) e).reason()).isEqualTo(Reason.TABLE_EXISTS);
    }

    @Test
    void aWriteWhoseTransactionWonInTheMeantimeIsAlreadyApplied() throws Exception {
        createTable(List.of());
        DeltaTableWriter rerun = losingTo(() -> plain.write(duckdb,
                WriteRequest.append(TableData.query(rows(100, 4))).withTransaction("ingest", 5)));
        execute(duckdb, "INSERT INTO expected " + rows(100, 4));

        WriteResult result = rerun.write(duckdb, WriteRequest.append(TableData.query(rows(100, 4))).withTransaction("ingest", 5));

        assertThat(result.outcome()).isEqualTo(WriteResult.Outcome.ALREADY_APPLIED);
        assertThat(result.version()).isEqualTo(1);
        assertTableHoldsExpectedRows(1);
    }
}
