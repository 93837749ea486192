package dev.pondhouse.server.lake.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.CountingBlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.cache.CacheKey;
import dev.pondhouse.server.lake.cache.PinnedCopies;
import dev.pondhouse.server.lake.delta.AddFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compaction on a local folder seen through another store type, so the data files are read from
 * copies in the disk cache as for Azure ({@link CachedDataFiles}), not in place.
 */
class TableCompactorCachedTest extends TableCompactorContractTest {
    private CountingBlobStore counting;

    @Override
    protected BlobStore store() {
        counting = new CountingBlobStore(new LocalBlobStore(directory.resolve("lake")));
        return counting;
    }

    @Test
    void filesAlreadyInTheCacheAreNotDownloadedAgainAndTheOthersOnce() throws Exception {
        table.create(duckdb, TestTable.rows(0, 6, 3), List.of("day"));
        for (int append = 1; append <= 4; append++) {
            table.append(duckdb, TestTable.rows(append * 100L, 6, 3));
        }
        List<AddFile> files = table.snapshot().activeFiles();
        List<AddFile> cachedBefore = files.subList(0, 9);
        try (PinnedCopies serving = new PinnedCopies(table.cache(), "serving")) {
            serving.copies(cachedBefore.stream().map(file -> new PinnedCopies.Blob(counting,
                    CacheKey.immutable(TestTable.CACHE_NAMESPACE, TestTable.ROOT + file.path()), file.size())).toList());
        }
        long downloadsBefore = table.cache().statistics().downloads();

        CompactionResult result = table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false,
                ProgressListener.NONE);

        assertThat(result.filesRemoved()).isEqualTo(files.size());
        assertThat(cachedBefore).allSatisfy(file -> assertThat(counting.downloads(TestTable.ROOT + file.path()))
                .as("downloads of %s, cached before the compaction", file.path()).isEqualTo(1));
        assertThat(files.subList(9, files.size())).allSatisfy(file -> assertThat(
                counting.downloads(TestTable.ROOT + file.path())).as("downloads of %s", file.path()).isEqualTo(1));
        assertThat(table.cache().statistics().downloads() - downloadsBefore).isEqualTo(files.size() - 9);
    }
}
