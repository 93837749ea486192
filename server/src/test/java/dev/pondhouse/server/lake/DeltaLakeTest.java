package dev.pondhouse.server.lake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import dev.pondhouse.server.lake.delta.TableData;
import dev.pondhouse.server.lake.delta.WriteRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lake in a blob store that is not read in place ({@link DeltaLake#cached}; here over a local
 * store, which behaves like Azure for it): its tables are read from cache copies that stay pinned
 * while a job reads them, its Delta tables are found through the store, its root prefixes the table
 * folders, and plain Parquet folders are tables only on a local lake.
 */
class DeltaLakeTest {
    private static final LakeTableName TABLE = LakeTableName.parse("sales.orders");

    @TempDir
    Path folder;

    private Connection duckdb;
    private DiskCache cache;
    private LocalBlobStore store;

    @BeforeEach
    void open() throws Exception {
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        // A budget of one byte and no grace period: every file that is not pinned goes at the next eviction.
        cache = new DiskCache(folder.resolve("cache"), 1, 2, Duration.ZERO, Clock.systemUTC());
        cache.start();
        store = new LocalBlobStore(Files.createDirectories(folder.resolve("container")));
    }

    @AfterEach
    void close() throws Exception {
        cache.close();
        duckdb.close();
    }

    @Test
    void readsCopiesFromTheCacheThatStayPinnedUntilTheReadsClose() throws Exception {
        DeltaLake lake = cached("lake/");
        lake.writer(TABLE).write(duckdb, WriteRequest.overwrite(TableData.query("SELECT range AS id FROM range(5)")));
        lake.writer(TABLE).write(duckdb, WriteRequest.append(TableData.query("SELECT 10 + range AS id FROM range(3)")));

        List<Path> files;
        try (DeltaLake.Reads reads = lake.reads("test")) {
            DeltaLake.TableFiles table = reads.files(TABLE).orElseThrow();
            files = table.files();
            assertThat(files).hasSize(2).allSatisfy(file -> assertThat(file).startsWith(cache.directory())
                    .isRegularFile().asString().contains("/lake/lake/sales/orders/part-"));
            assertThat(table.dataFiles().values()).containsExactlyInAnyOrderElementsOf(files);
            cache.evict();
            assertThat(files).as("pinned while the reads are open").allSatisfy(file -> assertThat(file).isRegularFile());
            assertThat(count(files)).isEqualTo(8);
        }
        cache.evict();
        assertThat(files).as("evicted once unpinned").allSatisfy(file -> assertThat(file).doesNotExist());
    }

    @Test
    void theFilesAWriterCommittedAreReadFromTheCacheWithoutADownload() throws Exception {
        DeltaLake lake = cached("lake/");
        lake.writer(TABLE).write(duckdb, WriteRequest.overwrite(TableData.query("SELECT range AS id FROM range(4)")));

        try (DeltaLake.Reads reads = lake.reads("test")) {
            List<Path> files = reads.files(TABLE).orElseThrow().files();
            assertThat(count(files)).isEqualTo(4);
        }
        assertThat(cache.statistics().downloads()).as("nothing downloaded: the staged file was put into the cache").isZero();
        assertThat(cache.statistics().hits()).isEqualTo(1);
        assertThat(DeltaLake.local(store.root(), folder.resolve("work"), Clock.systemUTC(), DeltaWriterSettings.DEFAULT)
                .writer(LakeTableName.parse("sales.local")).write(duckdb,
                        WriteRequest.overwrite(TableData.query("SELECT 1 AS id"))).committed()).isTrue();
        assertThat(cache.statistics().files()).as("a local lake puts nothing into the cache").isEqualTo(1);
    }

    @Test
    void aLakeThatDoesNotCacheCommittedFilesPutsNothingIntoTheCacheButStillReadsThroughIt() throws Exception {
        DeltaLake lake = cached("lake/").withoutCachingCommittedFiles();
        lake.writer(TABLE).write(duckdb, WriteRequest.overwrite(TableData.query("SELECT range AS id FROM range(4)")));

        assertThat(cache.statistics().files()).as("no copy of the committed file").isZero();
        try (DeltaLake.Reads reads = lake.reads("test")) {
            List<Path> files = reads.files(TABLE).orElseThrow().files();
            assertThat(files).singleElement().satisfies(file -> assertThat(file).startsWith(cache.directory()));
            assertThat(count(files)).isEqualTo(4);
        }
        assertThat(cache.statistics().downloads()).as("read back, it is downloaded").isEqualTo(1);
    }

    @Test
    void findsDeltaTablesThroughTheStoreUnderItsRoot() throws Exception {
        DeltaLake lake = cached("lake/");
        assertThat(lake.isDeltaTable(TABLE)).isFalse();
        assertThat(lake.latest(TABLE)).isEmpty();

        lake.writer(TABLE).write(duckdb, WriteRequest.overwrite(TableData.query("SELECT 1 AS id")));

        assertThat(lake.isDeltaTable(TABLE)).isTrue();
        assertThat(lake.latest(TABLE).orElseThrow().version()).isZero();
        assertThat(store.list("lake/sales/orders/_delta_log/")).isNotEmpty();
        assertThat(cached("").isDeltaTable(TABLE)).as("another root is another lake").isFalse();
    }

    @Test
    void aPlainParquetFolderIsATableOnlyOnALocalLake() throws Exception {
        Path plain = Files.createDirectories(store.root().resolve("sales/plain"));
        try (Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT 1 AS id) TO " + SqlIdentifiers.literal(plain.resolve("a.parquet").toString())
                    + " (FORMAT parquet)");
        }
        LakeTableName name = LakeTableName.parse("sales.plain");
        DeltaLake local = DeltaLake.local(store.root(), folder.resolve("work"), Clock.systemUTC(), DeltaWriterSettings.DEFAULT);

        try (DeltaLake.Reads reads = local.reads("test")) {
            assertThat(reads.files(name).orElseThrow().files()).containsExactly(plain.resolve("a.parquet"));
        }
        try (DeltaLake.Reads reads = cached("").reads("test")) {
            assertThat(reads.files(name)).isEmpty();
        }
    }

    private DeltaLake cached(String root) {
        return DeltaLake.cached(store, root, cache, folder.resolve("work"), Clock.systemUTC(), DeltaWriterSettings.DEFAULT);
    }

    private long count(List<Path> files) throws Exception {
        String list = files.stream().map(Path::toString).map(SqlIdentifiers::literal)
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        try (Statement statement = duckdb.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM read_parquet(" + list + ")")) {
            result.next();
            return result.getLong(1);
        }
    }
}
