package dev.pondhouse.server.lake.blob;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.lake.blob.BlobStore.CreateOutcome;
import dev.pondhouse.server.lake.blob.BlobStore.ReplaceOutcome;
import dev.pondhouse.server.lake.blob.BlobStoreException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreTest extends BlobStoreContractTest {
    @TempDir
    Path root;

    @Override
    protected BlobStore store() {
        return new LocalBlobStore(root.resolve("lake"));
    }

    @Test
    void anUnrenewedLeaseExpires() throws InterruptedException {
        BlobStore store = store();
        BlobStore.Lease lease = store.acquireLease("t/_job.lock", Duration.ofMillis(200)).orElseThrow();
        assertThat(store().acquireLease("t/_job.lock", Duration.ofMillis(200))).isEmpty();

        Thread.sleep(300);

        assertThat(store().acquireLease("t/_job.lock", Duration.ofSeconds(15))).isPresent();
        assertThat(lease.renew()).isFalse();
    }

    @Test
    void renewingKeepsALeasePastItsDuration() throws InterruptedException {
        BlobStore store = store();
        BlobStore.Lease lease = store.acquireLease("t/_job.lock", Duration.ofMillis(300)).orElseThrow();

        for (int renewal = 0; renewal < 6; renewal++) {
            Thread.sleep(100);
            assertThat(lease.renew()).isTrue();
            assertThat(store().acquireLease("t/_job.lock", Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void unreadableLeaseContentCountsAsExpired() {
        BlobStore store = store();
        store.createIfAbsent("t/_job.lock", content(1));

        assertThat(store.acquireLease("t/_job.lock", Duration.ofSeconds(15))).isPresent();
    }

    @Test
    void leavesNoTemporaryFilesBehind() throws IOException {
        BlobStore store = store();
        store.createIfAbsent("t/_delta_log/1.json", content(1));
        store.createIfAbsent("t/_delta_log/1.json", content(2));
        String etag = store.properties("t/_delta_log/1.json").orElseThrow().etag();
        store.replaceIfMatch("t/_delta_log/1.json", content(3), "\"stale\"");
        store.replaceIfMatch("t/_delta_log/1.json", content(4), etag);

        try (Stream<Path> files = Files.walk(root.resolve("lake/t"))) {
            assertThat(files.filter(Files::isRegularFile).map(path -> path.getFileName().toString()))
                    .containsExactly("1.json");
        }
    }

    @Test
    void hidesBookkeepingFilesFromListings() throws IOException {
        BlobStore store = store();
        store.createIfAbsent("t/a", content(1));
        Files.writeString(root.resolve("lake/t/.pondhouse-tmp-left-by-a-crash"), "partial");

        assertThat(store.list("")).extracting(BlobEntry::name).containsExactly("t/a");
    }

    @Test
    void twoInstancesOnOneFolderShareTheReplaceLock() {
        BlobStore first = store();
        BlobStore second = store();
        first.createIfAbsent("pointer", content(1));
        String etag = first.properties("pointer").orElseThrow().etag();

        assertThat(first.replaceIfMatch("pointer", content(2), etag)).isEqualTo(ReplaceOutcome.REPLACED);
        assertThat(second.replaceIfMatch("pointer", content(3), etag)).isEqualTo(ReplaceOutcome.ETAG_MISMATCH);
        assertThat(second.read("pointer")).isEqualTo(content(2));
    }

    @Test
    void aBlobCannotAlsoBeAFolder() {
        BlobStore store = store();
        assertThat(store.createIfAbsent("a", "file".getBytes(UTF_8))).isEqualTo(CreateOutcome.CREATED);

        assertKind(() -> store.createIfAbsent("a/b", content(1)), Kind.INVALID_NAME);
        assertThat(store.read("a")).isEqualTo("file".getBytes(UTF_8));
    }

    @Test
    void aFolderIsNotABlob() {
        BlobStore store = store();
        store.createIfAbsent("folder/blob", content(1));

        assertThat(store.properties("folder")).isEmpty();
        assertKind(() -> store.read("folder"), Kind.NOT_FOUND);
        assertThat(store.delete("folder")).isFalse();
    }
}
