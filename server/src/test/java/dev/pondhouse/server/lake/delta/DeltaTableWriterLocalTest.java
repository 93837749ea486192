package dev.pondhouse.server.lake.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.lake.DeltaLakeCatalog;
import dev.pondhouse.server.lake.LakeCatalog;
import dev.pondhouse.server.lake.LakeTable;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.ForwardingBlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table writer on a local folder, and the lake catalog serving what it wrote. */
class DeltaTableWriterLocalTest extends DeltaTableWriterContractTest {
    @Override
    protected BlobStore store() {
        return new LocalBlobStore(directory.resolve("lake"));
    }

    @Test
    void theLakeCatalogServesTheCommittedFilesAndNoneOfAWriterThatDied() throws Exception {
        BlobStore store = store();
        DeltaTableWriter writer = writer(store, DeltaWriterSettings.DEFAULT);
        writer.write(duckdb, WriteRequest.create(TableData.query(rows(0, 8)), List.of("region")));
        append(writer, rows(100, 4));
        Snapshot committed = writer.log().latest().orElseThrow();
        BlobStore dying = new ForwardingBlobStore(store) {
            @Override
            public CreateOutcome createIfAbsent(String name, byte[] content) {
                if (isCommitFile(name)) {
                    throw new ProcessDied();
                }
                return super.createIfAbsent(name, content);
            }
        };
        assertThatThrownBy(() -> writer(dying, DeltaWriterSettings.DEFAULT)
                .write(duckdb, WriteRequest.append(TableData.query(rows(200, 4))))).isInstanceOf(ProcessDied.class);

        LakeCatalog.Listing listing = new DeltaLakeCatalog(directory.resolve("lake"), new CommitFileFormat(),
                directory.resolve("catalog-tmp")).tables();

        assertThat(listing.problems()).isEmpty();
        Path tableFolder = directory.resolve("lake").resolve(ROOT).toAbsolutePath().normalize();
        assertThat(listing.tables()).singleElement().satisfies(table -> {
            assertThat(table.qualifiedName()).isEqualTo("sales.orders");
            assertThat(table.hivePartitioned()).isTrue();
            assertThat(table.files()).containsExactlyInAnyOrderElementsOf(
                    committed.activeFiles().stream().map(add -> tableFolder.resolve(add.path())).toList());
        });
        assertThat(listing.tables().stream().mapToInt((LakeTable table) -> table.files().size()).sum())
                .isEqualTo(committed.activeFiles().size());
    }
}
