package dev.pondhouse.server.lake;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.pondhouse.server.config.EngineSection;
import dev.pondhouse.server.config.LakeSection;
import dev.pondhouse.server.engine.QueryEngine;
import dev.pondhouse.server.engine.ViewPublisher;
import dev.pondhouse.server.lake.blob.AzureBlobStore;
import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig;
import dev.pondhouse.server.lake.blob.AzuriteServer;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.CountingBlobStore;
import dev.pondhouse.server.lake.blob.OutageBlobStore;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import dev.pondhouse.server.lake.delta.RemoveFile;
import dev.pondhouse.server.testing.BlobDeltaTables;
import dev.pondhouse.server.testing.ManualClock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta tables in an Azure container (Azurite) served from the disk cache: snapshots cached before
 * they are listed, unchanged logs not read again, the last good snapshot kept through corrupt logs,
 * missing blobs and storage outages.
 */
@ExtendWith(AzuriteServer.Extension.class)
class BlobDeltaLakeCatalogTest {
    private static final String ROOT = "lake/";
    private static final Duration GRACE = Duration.ofMinutes(10);

    @TempDir
    Path cacheFolder;

    @TempDir
    Path scratch;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private OutageBlobStore outage;
    private CountingBlobStore store;
    private BlobDeltaTables writer;
    private DiskCache cache;
    private BlobDeltaLakeCatalog catalog;

    @BeforeEach
    void setUp(AzuriteServer azurite) throws IOException {
        String container = AzuriteServer.uniqueContainerName();
        new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .createBlobContainer(container);
        BlobStore azure = AzureBlobStore.fromConfig(new AzureBlobStoreConfig(container, Optional.empty(),
                new AzureBlobStoreConfig.Authentication.ConnectionString(azurite.connectionString()),
                AzureBlobStoreConfig.Retry.DEFAULT));
        outage = new OutageBlobStore(azure);
        store = new CountingBlobStore(outage);
        writer = new BlobDeltaTables(azure, scratch);
        startCatalog(1L << 30);
    }

    @AfterEach
    void tearDown() {
        cache.close();
    }

    private void startCatalog(long maxBytes) throws IOException {
        if (cache != null) {
            cache.close();
        }
        cache = new DiskCache(cacheFolder, maxBytes, 4, GRACE, clock);
        cache.start();
        CommitFileFormat format = new CommitFileFormat();
        catalog = new BlobDeltaLakeCatalog(store, ROOT, cache, "lake", format,
                new DuckDbCheckpointReader(store, scratch.resolve("checkpoints"), format));
    }

    private Path cached(String blobName) {
        return cacheFolder.resolve("lake/" + blobName);
    }

    @Test
    void listsTheLatestSnapshotWithEveryFileCachedFirst() throws Exception {
        AddFile first = writer.upload("lake/sales/orders/", "part-1.parquet", "SELECT 1::BIGINT AS id");
        AddFile second = writer.upload("lake/sales/orders/", "part-2.parquet", "SELECT 2::BIGINT AS id");
        writer.upload("lake/sales/orders/", "part-uncommitted.parquet", "SELECT 3::BIGINT AS id");
        writer.create("lake/sales/orders/", List.of(), first, second);

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.problems()).isEmpty();
        assertThat(listing.tables()).containsExactly(new LakeTable("sales", "orders", List.of(
                cached("lake/sales/orders/part-1.parquet"), cached("lake/sales/orders/part-2.parquet")), false));
        assertThat(listing.tables().get(0).files()).allSatisfy(file -> assertThat(file).isRegularFile());
        assertThat(store.downloads()).isEqualTo(2);
        assertThat(cached("lake/sales/orders/part-uncommitted.parquet")).doesNotExist();
    }

    @Test
    void anUnchangedLogIsNotReadAgainAndNothingIsDownloadedAgain() throws Exception {
        writer.create("lake/sales/orders/", List.of(),
                writer.upload("lake/sales/orders/", "part-1.parquet", "SELECT 1::BIGINT AS id"));
        LakeCatalog.Listing first = catalog.tables();
        long reads = store.reads();

        LakeCatalog.Listing second = catalog.tables();

        assertThat(second).isEqualTo(first);
        assertThat(store.reads()).as("log files read").isEqualTo(reads);
        assertThat(store.downloads()).isEqualTo(1);
    }

    @Test
    void aNewCommitIsServedWithOnlyItsNewFilesDownloaded() throws Exception {
        AddFile first = writer.upload("lake/sales/orders/", "part-1.parquet", "SELECT 1::BIGINT AS id");
        writer.create("lake/sales/orders/", List.of(), first);
        catalog.tables();

        writer.commit("lake/sales/orders/", 0, RemoveFile.of(first, 2_000, true),
                writer.upload("lake/sales/orders/", "part-2.parquet", "SELECT 2::BIGINT AS id"));
        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.tables()).singleElement().extracting(LakeTable::files)
                .isEqualTo(List.of(cached("lake/sales/orders/part-2.parquet")));
        assertThat(store.downloads("lake/sales/orders/part-1.parquet")).isEqualTo(1);
        assertThat(store.downloads("lake/sales/orders/part-2.parquet")).isEqualTo(1);
        assertThat(cached("lake/sales/orders/part-1.parquet")).as("kept for its grace period").exists();
    }

    @Test
    void aRestartReusesTheCacheWithoutDownloading() throws Exception {
        writer.create("lake/sales/orders/", List.of(),
                writer.upload("lake/sales/orders/", "part-1.parquet", "SELECT 1::BIGINT AS id"),
                writer.upload("lake/sales/orders/", "part-2.parquet", "SELECT 2::BIGINT AS id"));
        LakeCatalog.Listing before = catalog.tables();

        startCatalog(1L << 30);
        LakeCatalog.Listing after = catalog.tables();

        assertThat(after).isEqualTo(before);
        assertThat(store.downloads()).isEqualTo(2);
        assertThat(cache.statistics().downloads()).isZero();
    }

    @Test
    void aDamagedCachedFileIsFetchedAgainAtTheNextRefresh() throws Exception {
        writer.create("lake/sales/orders/", List.of(),
                writer.upload("lake/sales/orders/", "part-1.parquet", "SELECT 1::BIGINT AS id"));
        Path file = catalog.tables().tables().get(0).files().get(0);
        byte[] good = Files.readAllBytes(file);
        try (RandomAccessFile truncate = new RandomAccessFile(file.toFile(), "rw")) {
            truncate.setLength(10);
        }

        catalog.tables();

        assertThat(Files.readAllBytes(file)).isEqualTo(good);
        assertThat(store.downloads()).isEqualTo(2);
    }

    @Test
    void aCorruptCommitKeepsTheLastGoodSnapshotAndIsNotReadAgainUntilTheLogChanges() throws Exception {
        writer.create("lake/sales/orders/", List.of(),
                writer.upload("lake/sales/orders/", "part-1.parquet", "SELECT 1::BIGINT AS id"));
        writer.create("lake/sales/other/", List.of(),
                writer.upload("lake/sales/other/", "part-1.parquet", "SELECT 1::BIGINT AS id"));
        LakeCatalog.Listing good = catalog.tables();
        store.createIfAbsent("lake/sales/orders/" + DeltaLog.commitFileName(1), "{\"add\":".getBytes(UTF_8));

        LakeCatalog.Listing listing = catalog.tables();
        long reads = store.reads();
        LakeCatalog.Listing again = catalog.tables();

        assertThat(listing.tables()).isEqualTo(good.tables());
        assertThat(listing.problems()).singleElement().asString()
                .startsWith("Delta table sales.orders cannot be read:")
                .endsWith("; still serving version 0");
        assertThat(again).isEqualTo(listing);
        assertThat(store.reads()).isEqualTo(reads);
    }

    @Test
    void aGapInTheLogKeepsTheLastGoodSnapshot() throws Exception {
        writer.create("lake/sales/orders/", List.of(),
                writer.upload("lake/sales/orders/", "part-1.parquet", "SELECT 1::BIGINT AS id"));
        LakeCatalog.Listing good = catalog.tables();
        store.createIfAbsent("lake/sales/orders/" + DeltaLog.commitFileName(2), "{\"commitInfo\":{}}".getBytes(UTF_8));

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.tables()).isEqualTo(good.tables());
        assertThat(listing.problems()).singleElement().asString().contains("missing version 1");
    }

    @Test
    void aSnapshotNamingAMissingBlobKeepsTheLastGoodSnapshot() throws Exception {
        AddFile first = writer.upload("lake/sales/orders/", "part-1.parquet", "SELECT 1::BIGINT AS id");
        writer.create("lake/sales/orders/", List.of(), first);
        LakeCatalog.Listing good = catalog.tables();
        AddFile vacuumed = writer.upload("lake/sales/orders/", "part-2.parquet", "SELECT 2::BIGINT AS id");
        store.delete("lake/sales/orders/part-2.parquet");
        writer.commit("lake/sales/orders/", 0, vacuumed);

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.tables()).isEqualTo(good.tables());
        assertThat(listing.problems()).singleElement().asString()
                .startsWith("table sales.orders version 1 cannot be cached:")
                .contains("part-2.parquet")
                .endsWith("still serving version 0");
    }

    @Test
    void aPartitionedTableKeepsItsPartitionFoldersInTheCache() throws Exception {
        AddFile day1 = writer.upload("lake/sales/events/", "day=2026-01-01/part-1.parquet", "SELECT 1::BIGINT AS id",
                Map.of("day", Optional.of("2026-01-01")));
        AddFile day2 = writer.upload("lake/sales/events/", "day=2026-01-02/part-1.parquet", "SELECT 2::BIGINT AS id",
                Map.of("day", Optional.of("2026-01-02")));
        writer.create("lake/sales/events/", List.of("day"), day1, day2);

        LakeCatalog.Listing listing = catalog.tables();

        assertThat(listing.tables()).containsExactly(new LakeTable("sales", "events", List.of(
                cached("lake/sales/events/day=2026-01-01/part-1.parquet"),
                cached("lake/sales/events/day=2026-01-02/part-1.parquet")), true));
    }

    @Test
    void aDroppedTableIsNoLongerListedAndItsFilesMayBeEvicted() throws Exception {
        startCatalog(1);
        writer.create("lake/sales/orders/", List.of(),
                writer.upload("lake/sales/orders/", "part-1.parquet", "SELECT 1::BIGINT AS id"));
        catalog.tables();
        for (var entry : store.list("lake/sales/orders/")) {
            store.delete(entry.name());
        }

        assertThat(catalog.tables().tables()).isEmpty();
        assertThat(cached("lake/sales/orders/part-1.parquet")).as("within its grace period").exists();

        clock.advance(GRACE);
        catalog.tables();
        assertThat(cached("lake/sales/orders/part-1.parquet")).doesNotExist();
    }

    @Test
    void whileStorageIsDownTheServedSnapshotKeepsAnsweringAndTheRefreshRecoversAfterwards() throws Exception {
        writer.create("lake/sales/orders/", List.of(),
                writer.upload("lake/sales/orders/", "part-1.parquet", "SELECT 1::BIGINT AS id"));
        try (QueryEngine engine = new QueryEngine(new EngineSection(null, 2, Optional.empty(), null),
                new LakeSection(scratch.resolve("unused"), "pondhouse", "sales", Duration.ZERO),
                List.of(cacheFolder), scratch.resolve("spill"))) {
            engine.start();
            ViewPublisher views = new ViewPublisher(engine, catalog);
            views.refresh();
            assertThat(count(engine)).isEqualTo(1);

            outage.goDown();
            writer.commit("lake/sales/orders/", 0,
                    writer.upload("lake/sales/orders/", "part-2.parquet", "SELECT 2::BIGINT AS id"));
            assertThatThrownBy(views::refresh).isInstanceOf(IOException.class).hasMessageContaining("storage is down");
            assertThat(count(engine)).as("the served snapshot, from the cache").isEqualTo(1);

            outage.comeBack();
            views.refresh();
            assertThat(count(engine)).isEqualTo(2);
        }
    }

    private static long count(QueryEngine engine) throws SQLException {
        try (DuckDBConnection connection = engine.openSessionConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM sales.orders")) {
            result.next();
            return result.getLong(1);
        }
    }
}
