package dev.pondhouse.server.lake.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.lake.blob.BlobEntry;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.DeltaWriteException.Reason;
import dev.pondhouse.server.lake.delta.UncertainCommitBlobStore.Behaviour;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Commits whose outcome the store cannot confirm are settled by reading the version back. */
class DeltaTableWriterUnknownOutcomeTest extends DeltaTableWriterTestBase {
    private BlobStore store;
    private DeltaTableWriter plain;

    @Override
    protected BlobStore store() {
        return new LocalBlobStore(directory.resolve("lake"));
    }

    @BeforeEach
    void createTable() throws Exception {
        store = store();
        plain = writer(store, DeltaWriterSettings.DEFAULT);
        plain.write(duckdb, WriteRequest.create(TableData.query(rows(0, 6)), List.of()));
        execute(duckdb, "INSERT INTO expected " + rows(0, 6));
    }

    private void assertTableHoldsExpectedRows(long version) throws Exception {
        KernelTableReader.KernelTable kernel = kernelRead(store, COLUMNS);
        assertThat(kernel.version()).isEqualTo(version);
        assertThat(sorted(kernel.rows())).isEqualTo(expectedRows(duckdb));
    }

    @Test
    void aCommitThatLandedIsRecognisedByItsCommitId() throws Exception {
        UncertainCommitBlobStore uncertain = new UncertainCommitBlobStore(store, Behaviour.FIRST_WRITTEN_THEN_UNKNOWN);

        WriteResult result = append(writer(uncertain, DeltaWriterSettings.DEFAULT), rows(100, 4));

        assertThat(result.committed()).isTrue();
        assertThat(result.version()).isEqualTo(1);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(uncertain.commitWrites()).isEqualTo(1);
        assertTableHoldsExpectedRows(1);
    }

    @Test
    void aCommitThatDidNotLandIsWrittenAgainAtTheSameVersion() throws Exception {
        UncertainCommitBlobStore uncertain = new UncertainCommitBlobStore(store, Behaviour.FIRST_LOST_THEN_UNKNOWN);

        WriteResult result = append(writer(uncertain, DeltaWriterSettings.DEFAULT), rows(100, 4));

        assertThat(result.version()).isEqualTo(1);
        assertThat(result.attempts()).isEqualTo(2);
        assertTableHoldsExpectedRows(1);
    }

    @Test
    void aCommitThatDidNotLandWhileAnotherWriterTookTheVersionMovesOn() throws Exception {
        UncertainCommitBlobStore uncertain = new UncertainCommitBlobStore(store, Behaviour.FIRST_LOST_THEN_UNKNOWN);
        DeltaTableWriter writer = writer(new InterleavingBlobStore(uncertain, () -> append(plain, rows(200, 3))),
                DeltaWriterSettings.DEFAULT);

        WriteResult result = append(writer, rows(100, 4));

        assertThat(result.version()).isEqualTo(2);
        assertTableHoldsExpectedRows(2);
    }

    @Test
    void aStoreAnsweringExistsAfterItsOwnRetryIsACommit() throws Exception {
        WriteResult result = append(writer(new SelfRetryingBlobStore(store), DeltaWriterSettings.DEFAULT), rows(100, 4));

        assertThat(result.version()).isEqualTo(1);
        assertTableHoldsExpectedRows(1);
    }

    @Test
    void anOutcomeThatStaysUnknownIsReportedAndKeepsTheDataFiles() throws Exception {
        DeltaTableWriter writer = writer(new UncertainCommitBlobStore(store, Behaviour.ALWAYS_UNKNOWABLE),
                DeltaWriterSettings.DEFAULT.withMaxCommitAttempts(3));
        List<String> filesBefore = dataFiles();

        assertThatThrownBy(() -> writer.write(duckdb, WriteRequest.append(TableData.query(rows(100, 4)))))
                .isInstanceOf(DeltaWriteException.class)
                .hasMessageContaining("the outcome of committing version 1 of " + ROOT + " is unknown after 3 attempts")
                .hasMessageContaining("the data files are kept")
                .extracting(e -> ((DeltaWriteException) e).reason()).isEqualTo(Reason.OUTCOME_UNKNOWN);

        assertThat(dataFiles()).hasSize(filesBefore.size() + 1).containsAll(filesBefore);
        try (Stream<Path> staged = Files.walk(directory.resolve("work/staging"))) {
            assertThat(staged.filter(path -> path.toString().endsWith(".parquet"))).hasSize(1);
        }
        assertTableHoldsExpectedRows(0);
    }

    @Test
    void aDefiniteConflictLeavesTheUploadedFilesAsOrphans() throws Exception {
        DeltaTableWriter overwriter = writer(new InterleavingBlobStore(store, () -> append(plain, rows(100, 4))),
                DeltaWriterSettings.DEFAULT);
        List<String> filesBefore = dataFiles();

        assertThatThrownBy(() -> overwriter.write(duckdb, WriteRequest.overwrite(TableData.query(rows(500, 5)))))
                .isInstanceOf(DeltaWriteException.class);

        assertThat(dataFiles()).hasSize(filesBefore.size() + 2);
        try (Stream<Path> staged = Files.walk(directory.resolve("work/staging"))) {
            assertThat(staged.filter(path -> path.toString().endsWith(".parquet"))).isEmpty();
        }
    }

    private List<String> dataFiles() {
        return store.list(ROOT).stream().map(BlobEntry::name)
                .filter(name -> name.endsWith(".parquet") && !name.contains(DeltaLog.LOG_FOLDER))
                .toList();
    }
}
