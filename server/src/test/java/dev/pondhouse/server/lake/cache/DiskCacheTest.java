package dev.pondhouse.server.lake.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.lake.blob.CountingBlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.testing.ManualClock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk cache on a local store: downloads, sharing, checks on use, restart, pins and eviction. */
class DiskCacheTest {
    private static final Duration GRACE = Duration.ofMinutes(10);

    @TempDir
    Path storeFolder;

    @TempDir
    Path cacheFolder;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private CountingBlobStore store;
    private DiskCache cache;

    @BeforeEach
    void setUp() throws IOException {
        store = new CountingBlobStore(new LocalBlobStore(storeFolder));
        cache = startCache(1_000_000);
    }

    @AfterEach
    void tearDown() {
        cache.close();
    }

    private DiskCache startCache(long maxBytes) throws IOException {
        DiskCache started = new DiskCache(cacheFolder, maxBytes, 4, GRACE, clock);
        started.start();
        return started;
    }

    private DiskCache restart(long maxBytes) throws IOException {
        cache.close();
        cache = startCache(maxBytes);
        return cache;
    }

    private byte[] blob(String name, int size) throws IOException {
        byte[] content = new byte[size];
        new Random(name.hashCode()).nextBytes(content);
        Path file = storeFolder.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return content;
    }

    private static CacheKey key(String name) {
        return CacheKey.immutable("lake", name);
    }

    private Path fetch(String name, long size) throws Exception {
        return cache.fetch(store, key(name), size).get(30, TimeUnit.SECONDS);
    }

    @Test
    void downloadsOnceAndServesTheLocalCopyAfterwards() throws Exception {
        byte[] content = blob("tpch/orders/part-1.parquet", 5000);

        Path file = fetch("tpch/orders/part-1.parquet", 5000);
        Path again = fetch("tpch/orders/part-1.parquet", 5000);

        assertThat(file).isEqualTo(cacheFolder.resolve("lake/tpch/orders/part-1.parquet")).isEqualTo(again);
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(store.downloads()).isEqualTo(1);
        assertThat(cache.statistics().hits()).isEqualTo(1);
        assertThat(cacheFiles()).containsExactlyInAnyOrder("lake/tpch/orders/part-1.parquet",
                "lake/tpch/orders/.pondhouse-check-part-1.parquet");
    }

    @Test
    void concurrentFetchesOfOneFileShareOneDownload() throws Exception {
        blob("t/a.parquet", 1000);
        store.holdDownloads();

        CompletableFuture<Path> first = cache.fetch(store, key("t/a.parquet"), 1000);
        CompletableFuture<Path> second = cache.fetch(store, key("t/a.parquet"), 1000);
        store.releaseDownloads();

        assertThat(second).isSameAs(first);
        assertThat(first.get(30, TimeUnit.SECONDS)).exists();
        assertThat(store.downloads()).isEqualTo(1);
    }

    @Test
    void aSizeOtherThanExpectedIsNeverCached() throws Exception {
        blob("t/a.parquet", 1000);

        assertThatThrownBy(() -> fetch("t/a.parquet", 999))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CacheException.class).hasMessageContaining("has 1000 bytes, but 999 were expected");
        assertThat(cacheFiles()).isEmpty();
    }

    @Test
    void aMissingBlobFailsTheFetch() {
        assertThatThrownBy(() -> fetch("t/missing.parquet", 10))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CacheException.class).hasMessageContaining("t/missing.parquet");
    }

    @Test
    void aRestartReusesCheckedFilesAndRemovesUnfinishedDownloads() throws Exception {
        blob("t/a.parquet", 1000);
        blob("t/b.parquet", 2000);
        fetch("t/a.parquet", 1000);
        fetch("t/b.parquet", 2000);
        Path leftover = cacheFolder.resolve("lake/t/.pondhouse-download-1234");
        Files.write(leftover, new byte[10]);
        Path unrecorded = cacheFolder.resolve("lake/t/c.parquet");
        Files.write(unrecorded, new byte[10]);

        restart(1_000_000);
        fetch("t/a.parquet", 1000);
        fetch("t/b.parquet", 2000);

        assertThat(store.downloads()).isEqualTo(2);
        assertThat(leftover).doesNotExist();
        assertThat(unrecorded).as("a file without a record of its download").doesNotExist();
        assertThat(cache.statistics().files()).isEqualTo(2);
    }

    @Test
    void aTruncatedFileIsFetchedAgain() throws Exception {
        byte[] content = blob("t/a.parquet", 1000);
        Path file = fetch("t/a.parquet", 1000);
        try (RandomAccessFile truncate = new RandomAccessFile(file.toFile(), "rw")) {
            truncate.setLength(500);
        }

        Path again = fetch("t/a.parquet", 1000);

        assertThat(Files.readAllBytes(again)).isEqualTo(content);
        assertThat(store.downloads()).isEqualTo(2);
        assertThat(cache.statistics().damagedFiles()).isEqualTo(1);
    }

    @Test
    void aFileAlteredInPlaceIsFetchedAgain() throws Exception {
        byte[] content = blob("t/a.parquet", 1000);
        Path file = fetch("t/a.parquet", 1000);
        overwriteFirstByte(file, content);

        assertThat(Files.readAllBytes(fetch("t/a.parquet", 1000))).isEqualTo(content);
        assertThat(store.downloads()).isEqualTo(2);
    }

    @Test
    void aFileAlteredWhileStoppedIsCaughtByItsChecksumAfterTheRestart() throws Exception {
        byte[] content = blob("t/a.parquet", 1000);
        Path file = fetch("t/a.parquet", 1000);
        cache.close();
        FileTime modified = Files.getLastModifiedTime(file);
        overwriteFirstByte(file, content);
        Files.setLastModifiedTime(file, modified); // same size, same time: only the content tells

        restart(1_000_000);

        assertThat(Files.readAllBytes(fetch("t/a.parquet", 1000))).isEqualTo(content);
        assertThat(store.downloads()).isEqualTo(2);
        assertThat(cache.statistics().damagedFiles()).isEqualTo(1);
    }

    @Test
    void aTouchedButIntactFileIsKept() throws Exception {
        blob("t/a.parquet", 1000);
        Path file = fetch("t/a.parquet", 1000);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));

        fetch("t/a.parquet", 1000);
        fetch("t/a.parquet", 1000);

        assertThat(store.downloads()).isEqualTo(1);
        assertThat(cache.statistics().damagedFiles()).isZero();
    }

    @Test
    void versionsOfARewrittenBlobAreSeparateFiles() throws Exception {
        blob("raw/orders.csv", 100);
        Path first = cache.fetch(store, CacheKey.versioned("sources/raw", "raw/orders.csv", "\"1\""), 100).get();
        blob("raw/orders.csv", 100);
        Path second = cache.fetch(store, CacheKey.versioned("sources/raw", "raw/orders.csv", "\"2\""), 100).get();

        assertThat(first).isNotEqualTo(second);
        assertThat(first.getFileName().toString()).isEqualTo("orders.csv");
        assertThat(first.getParent().getFileName().toString()).startsWith(".pondhouse-v-");
        assertThat(first.getParent().getParent()).isEqualTo(cacheFolder.resolve("sources/raw/raw"));
    }

    @Test
    void evictsTheLeastRecentlyUsedUnpinnedFilesPastTheirGracePeriod() throws Exception {
        restart(3000);
        for (String name : List.of("t/a", "t/b", "t/c")) {
            blob(name, 1000);
            fetch(name, 1000);
            clock.advance(Duration.ofMinutes(1));
        }
        cache.pin("table", List.of(key("t/a")));
        blob("t/d", 1000);

        fetch("t/d", 1000);
        assertThat(cache.statistics().bytes()).as("all within the grace period: over budget, nothing evicted")
                .isEqualTo(4000);

        clock.advance(GRACE);
        cache.evict();

        assertThat(cache.pathOf(key("t/a"))).as("pinned").exists();
        assertThat(cache.pathOf(key("t/b"))).as("least recently used, unpinned").doesNotExist();
        assertThat(cache.pathOf(key("t/c"))).exists();
        assertThat(cache.pathOf(key("t/d"))).exists();
        assertThat(cache.statistics().bytes()).isEqualTo(3000);
        assertThat(cache.statistics().evictions()).isEqualTo(1);
    }

    @Test
    void anUnpinnedFileStaysForTheGracePeriod() throws Exception {
        restart(1000);
        blob("t/a", 1000);
        blob("t/b", 1000);
        fetch("t/a", 1000);
        cache.pin("table", List.of(key("t/a")));
        clock.advance(GRACE.multipliedBy(2));
        cache.pin("table", List.of(key("t/b")));
        fetch("t/b", 1000);

        assertThat(cache.pathOf(key("t/a"))).as("just unpinned: a running query may read it").exists();

        clock.advance(GRACE.minusSeconds(1));
        cache.evict();
        assertThat(cache.pathOf(key("t/a"))).exists();

        clock.advance(Duration.ofSeconds(1));
        cache.evict();
        assertThat(cache.pathOf(key("t/a"))).doesNotExist();
        assertThat(cache.pathOf(key("t/b"))).as("pinned").exists();
    }

    @Test
    void pinnedFilesAreKeptEvenOverBudget() throws Exception {
        restart(1500);
        blob("t/a", 1000);
        blob("t/b", 1000);
        cache.pin("table", List.of(key("t/a"), key("t/b")));
        fetch("t/a", 1000);
        fetch("t/b", 1000);
        clock.advance(GRACE.multipliedBy(2));

        cache.evict();

        assertThat(cache.pathOf(key("t/a"))).exists();
        assertThat(cache.pathOf(key("t/b"))).exists();

        cache.unpin("table");
        clock.advance(GRACE);
        cache.evict();
        assertThat(cache.statistics().bytes()).isEqualTo(1000);
    }

    private static void overwriteFirstByte(Path file, byte[] content) throws IOException {
        try (RandomAccessFile write = new RandomAccessFile(file.toFile(), "rw")) {
            write.write(content[0] ^ 0xff);
        }
    }

    private List<String> cacheFiles() throws IOException {
        try (Stream<Path> files = Files.walk(cacheFolder)) {
            return files.filter(Files::isRegularFile).map(file -> cacheFolder.relativize(file).toString()).toList();
        }
    }
}
