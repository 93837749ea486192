package dev.pondhouse.server.lake.blob;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.lake.blob.BlobStore.CreateOutcome;
import dev.pondhouse.server.lake.blob.BlobStore.ReplaceOutcome;
import dev.pondhouse.server.lake.blob.BlobStoreException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every {@link BlobStore} must do; run against each implementation by a subclass. */
abstract class BlobStoreContractTest {
    private static final int WRITERS = 8;
    /** A lease duration every store accepts (Azure's shortest). */
    protected static final Duration LEASE = Duration.ofSeconds(15);

    @TempDir
    Path localFolder;

    /** A store with no blobs in it, fresh for each test. */
    protected abstract BlobStore store();

    @Test
    void readsBackWhatWasCreated() {
        BlobStore store = store();
        byte[] content = "{\"commitInfo\":{}}\n".getBytes(UTF_8);

        assertThat(store.createIfAbsent("tpch/orders/_delta_log/00000000000000000000.json", content))
                .isEqualTo(CreateOutcome.CREATED);

        assertThat(store.read("tpch/orders/_delta_log/00000000000000000000.json")).isEqualTo(content);
        assertThat(store.properties("tpch/orders/_delta_log/00000000000000000000.json")).hasValueSatisfying(entry -> {
            assertThat(entry.name()).isEqualTo("tpch/orders/_delta_log/00000000000000000000.json");
            assertThat(entry.size()).isEqualTo(content.length);
            assertThat(entry.etag()).isNotBlank();
        });
    }

    @Test
    void emptyBlobsAreBlobs() {
        BlobStore store = store();
        assertThat(store.createIfAbsent("empty", new byte[0])).isEqualTo(CreateOutcome.CREATED);
        assertThat(store.read("empty")).isEmpty();
        assertThat(store.list("")).extracting(BlobEntry::name, BlobEntry::size).containsExactly(
                org.assertj.core.groups.Tuple.tuple("empty", 0L));
    }

    @Test
    void missingBlobsAreNotFound() {
        BlobStore store = store();
        assertKind(() -> store.read("no/such/blob"), Kind.NOT_FOUND);
        assertKind(() -> store.readRange("no/such/blob", 0, 10), Kind.NOT_FOUND);
        assertKind(() -> store.download("no/such/blob", localFolder.resolve("target")), Kind.NOT_FOUND);
        assertThat(store.properties("no/such/blob")).isEmpty();
    }

    @Test
    void readsRanges() {
        BlobStore store = store();
        store.createIfAbsent("data/file", "0123456789".getBytes(UTF_8));

        assertThat(new String(store.readRange("data/file", 2, 3), UTF_8)).isEqualTo("234");
        assertThat(new String(store.readRange("data/file", 0, 10), UTF_8)).isEqualTo("0123456789");
        assertThat(new String(store.readRange("data/file", 7, 100), UTF_8)).isEqualTo("789");
        assertThat(store.readRange("data/file", 4, 0)).isEmpty();
        assertThat(store.readRange("data/file", 10, 5)).isEmpty();
        assertThat(store.readRange("data/file", 50, 5)).isEmpty();
        assertThatThrownBy(() -> store.readRange("data/file", -1, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listsInLexicographicOrderByPrefix() {
        BlobStore store = store();
        List<String> names = List.of("t/ab", "t/a/c", "t/a-b", "t/a.b", "t/a/b", "t/a0", "u/a",
                "v/_delta_log/00000000000000000010.json",
                "v/_delta_log/00000000000000000009.json",
                "v/_delta_log/00000000000000000010.checkpoint.parquet",
                "v/_delta_log/00000000000000000011.json",
                "v/_delta_log/_last_checkpoint",
                "v/part-00000.parquet");
        names.forEach(name -> store.createIfAbsent(name, name.getBytes(UTF_8)));

        assertThat(store.list("t/")).extracting(BlobEntry::name)
                .containsExactly("t/a-b", "t/a.b", "t/a/b", "t/a/c", "t/a0", "t/ab");
        assertThat(store.list("t/a/")).extracting(BlobEntry::name).containsExactly("t/a/b", "t/a/c");
        assertThat(store.list("t/a")).extracting(BlobEntry::name)
                .containsExactly("t/a-b", "t/a.b", "t/a/b", "t/a/c", "t/a0", "t/ab");
        assertThat(store.list("t/a/c")).extracting(BlobEntry::name).containsExactly("t/a/c");
        assertThat(store.list("v/_delta_log/0000000000000000001")).extracting(BlobEntry::name).containsExactly(
                "v/_delta_log/00000000000000000010.checkpoint.parquet",
                "v/_delta_log/00000000000000000010.json",
                "v/_delta_log/00000000000000000011.json");
        assertThat(store.list("")).extracting(BlobEntry::name)
                .containsExactlyElementsOf(names.stream().sorted().toList());
        assertThat(store.list("w/")).isEmpty();
        assertThat(store.list("t/a/b/")).isEmpty();
    }

    @Test
    void listsTheFoldersOneLevelDown() {
        BlobStore store = store();
        List<String> names = List.of("lake/tpch/orders/_delta_log/00000000000000000000.json",
                "lake/tpch/orders/part-0.parquet", "lake/tpch/lineitem/_delta_log/00000000000000000000.json",
                "lake/tpch/nation/day=1/x.parquet", "lake/sales/events/x.parquet", "lake/readme.txt",
                "lake-other/x/y", "top");
        names.forEach(name -> store.createIfAbsent(name, name.getBytes(UTF_8)));

        assertThat(store.listFolders("")).containsExactly("lake", "lake-other");
        assertThat(store.listFolders("lake/")).containsExactly("sales", "tpch");
        assertThat(store.listFolders("lake/tpch/")).containsExactly("lineitem", "nation", "orders");
        assertThat(store.listFolders("lake/tpch/orders/")).containsExactly("_delta_log");
        assertThat(store.listFolders("lake/tpch/orders/_delta_log/")).isEmpty();
        assertThat(store.listFolders("nothing/")).isEmpty();
        assertThatThrownBy(() -> store.listFolders("lake")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listedEntriesMatchProperties() {
        BlobStore store = store();
        store.createIfAbsent("x/one", "1".getBytes(UTF_8));
        BlobEntry listed = store.list("x/").get(0);
        assertThat(store.properties("x/one")).hasValue(listed);
        assertThat(listed.size()).isEqualTo(1);
    }

    @Test
    void createIfAbsentWinsExactlyOnceUnderRace() throws Exception {
        BlobStore store = store();
        String name = "race/_delta_log/00000000000000000001.json";

        List<CreateOutcome> outcomes = race(writer -> () -> store.createIfAbsent(name, content(writer)));

        assertThat(outcomes).filteredOn(outcome -> outcome == CreateOutcome.CREATED).hasSize(1);
        assertThat(outcomes).filteredOn(outcome -> outcome == CreateOutcome.ALREADY_EXISTS).hasSize(WRITERS - 1);
        int winner = outcomes.indexOf(CreateOutcome.CREATED);
        assertThat(store.read(name)).isEqualTo(content(winner));
        assertThat(store.list("race/")).extracting(BlobEntry::name).containsExactly(name);
    }

    @Test
    void createIfAbsentNeverChangesAnExistingBlob() {
        BlobStore store = store();
        store.createIfAbsent("a", content(1));
        String etag = store.properties("a").orElseThrow().etag();

        assertThat(store.createIfAbsent("a", content(2))).isEqualTo(CreateOutcome.ALREADY_EXISTS);

        assertThat(store.read("a")).isEqualTo(content(1));
        assertThat(store.properties("a").orElseThrow().etag()).isEqualTo(etag);
    }

    @Test
    void replaceIfMatchComparesEtags() {
        BlobStore store = store();
        store.createIfAbsent("_last_checkpoint", content(1));
        String first = store.properties("_last_checkpoint").orElseThrow().etag();

        assertThat(store.replaceIfMatch("_last_checkpoint", content(2), first)).isEqualTo(ReplaceOutcome.REPLACED);
        String second = store.properties("_last_checkpoint").orElseThrow().etag();
        assertThat(second).isNotEqualTo(first);
        assertThat(store.read("_last_checkpoint")).isEqualTo(content(2));

        assertThat(store.replaceIfMatch("_last_checkpoint", content(3), first)).isEqualTo(ReplaceOutcome.ETAG_MISMATCH);
        assertThat(store.read("_last_checkpoint")).isEqualTo(content(2));

        assertThat(store.replaceIfMatch("never/written", content(4), second)).isEqualTo(ReplaceOutcome.ETAG_MISMATCH);
        assertThat(store.properties("never/written")).isEmpty();
    }

    @Test
    void replaceIfMatchWinsExactlyOnceUnderRace() throws Exception {
        BlobStore store = store();
        store.createIfAbsent("pointer", content(-1));
        String etag = store.properties("pointer").orElseThrow().etag();

        List<ReplaceOutcome> outcomes = race(writer -> () -> store.replaceIfMatch("pointer", content(writer), etag));

        assertThat(outcomes).filteredOn(outcome -> outcome == ReplaceOutcome.REPLACED).hasSize(1);
        assertThat(store.read("pointer")).isEqualTo(content(outcomes.indexOf(ReplaceOutcome.REPLACED)));
        assertThat(store.list("")).extracting(BlobEntry::name).containsExactly("pointer");
    }

    @Test
    void deleteIsIdempotent() {
        BlobStore store = store();
        store.createIfAbsent("old/part-1.parquet", content(1));

        assertThat(store.delete("old/part-1.parquet")).isTrue();
        assertThat(store.delete("old/part-1.parquet")).isFalse();
        assertThat(store.delete("never/there")).isFalse();

        assertThat(store.properties("old/part-1.parquet")).isEmpty();
        assertKind(() -> store.read("old/part-1.parquet"), Kind.NOT_FOUND);
        assertThat(store.list("old/")).isEmpty();
        assertThat(store.createIfAbsent("old/part-1.parquet", content(2))).isEqualTo(CreateOutcome.CREATED);
    }

    @Test
    void uploadsAndDownloadsLargeFiles() throws IOException {
        BlobStore store = store();
        byte[] data = new byte[20 * 1024 * 1024 + 123];
        new Random(42).nextBytes(data);
        Path source = Files.write(localFolder.resolve("source.parquet"), data);

        store.upload("big/part-0001.parquet", source);

        assertThat(store.properties("big/part-0001.parquet").orElseThrow().size()).isEqualTo(data.length);
        Path target = localFolder.resolve("downloaded.parquet");
        Files.write(target, "stale longer content that must be truncated".getBytes(UTF_8));
        assertThat(store.download("big/part-0001.parquet", target)).isEqualTo(data.length);
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(store.readRange("big/part-0001.parquet", data.length - 8, 8))
                .isEqualTo(java.util.Arrays.copyOfRange(data, data.length - 8, data.length));
    }

    @Test
    void uploadReplacesExistingBlobs() throws IOException {
        BlobStore store = store();
        store.createIfAbsent("data/part.parquet", content(1));
        Path source = Files.write(localFolder.resolve("new.parquet"), content(2));

        store.upload("data/part.parquet", source);

        assertThat(store.read("data/part.parquet")).isEqualTo(content(2));
        assertKind(() -> store.upload("data/other.parquet", localFolder.resolve("missing")), Kind.FAILED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/absolute", "a//b", "a/../b", "..", "./a", "a\\b", "folder/", "a/.pondhouse-tmp-x"})
    void rejectsInvalidNames(String name) {
        BlobStore store = store();
        assertKind(() -> store.read(name), Kind.INVALID_NAME);
        assertKind(() -> store.createIfAbsent(name, content(1)), Kind.INVALID_NAME);
        assertKind(() -> store.replaceIfMatch(name, content(1), "\"etag\""), Kind.INVALID_NAME);
        assertKind(() -> store.delete(name), Kind.INVALID_NAME);
        assertKind(() -> store.properties(name), Kind.INVALID_NAME);
        assertThat(store.list("")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/a", "a//", "../", "a\\"})
    void rejectsInvalidPrefixes(String prefix) {
        assertKind(() -> store().list(prefix), Kind.INVALID_NAME);
    }

    @Test
    void aLeaseExcludesOthersUntilReleased() {
        BlobStore store = store();
        BlobStore otherServer = store();

        BlobStore.Lease lease = store.acquireLease("t/_job.lock", LEASE).orElseThrow();

        assertThat(store.properties("t/_job.lock")).isPresent();
        assertThat(otherServer.acquireLease("t/_job.lock", LEASE)).isEmpty();
        assertThat(store.acquireLease("t/_job.lock", LEASE)).isEmpty();
        assertThat(lease.renew()).isTrue();
        assertThat(otherServer.acquireLease("t/_job.lock", LEASE)).isEmpty();
        assertThat(otherServer.acquireLease("u/_job.lock", LEASE)).isPresent();

        lease.release();

        BlobStore.Lease next = otherServer.acquireLease("t/_job.lock", LEASE).orElseThrow();
        assertThat(lease.renew()).isFalse();
        lease.release(); // a lost lease's release leaves the new holder alone
        assertThat(store.acquireLease("t/_job.lock", LEASE)).isEmpty();
        assertThat(next.renew()).isTrue();
        next.release();
        next.release();
        assertThat(store.acquireLease("t/_job.lock", LEASE)).isPresent();
    }

    @Test
    void aLeaseOnAnExistingBlobTakesIt() {
        BlobStore store = store();
        store.createIfAbsent("t/_job.lock", new byte[0]);

        assertThat(store.acquireLease("t/_job.lock", LEASE)).isPresent();
        assertThat(store().acquireLease("t/_job.lock", LEASE)).isEmpty();
    }

    @Test
    void ofRacingAcquiresOneGetsTheLease() throws Exception {
        List<Boolean> granted = race(writer -> () -> store().acquireLease("race/_job.lock", LEASE).isPresent());

        assertThat(granted).containsOnlyOnce(true);
    }

    @Test
    void aLeaseNeedsAValidName() {
        assertKind(() -> store().acquireLease("../escape.lock", LEASE), Kind.INVALID_NAME);
    }

    protected static byte[] content(int writer) {
        return ("{\"commitInfo\":{\"txnId\":\"writer-" + writer + "\"}}\n").getBytes(UTF_8);
    }

    protected static void assertKind(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Kind kind) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(BlobStoreException.class, e -> assertThat(e.blobKind()).isEqualTo(kind));
    }

    /** Runs one task per writer, all released at once; returns their results in writer order. */
    private static <T> List<T> race(IntFunction<Callable<T>> task) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(WRITERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int writer : IntStream.range(0, WRITERS).toArray()) {
                Callable<T> callable = task.apply(writer);
                futures.add(executor.submit(() -> {
                    start.await();
                    return callable.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }
}
