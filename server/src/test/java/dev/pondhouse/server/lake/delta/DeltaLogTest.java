package dev.pondhouse.server.lake.delta;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.CommitResult.Outcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaLogTest {
    private static final String ROOT = "sales/orders/";
    private static final String SCHEMA = "{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\","
            + "\"nullable\":true,\"metadata\":{}}]}";

    @TempDir
    Path directory;

    private BlobStore store;
    private DeltaLog log;

    @BeforeEach
    void setUp() {
        store = new LocalBlobStore(directory.resolve("lake"));
        log = newLog(store);
    }

    @Test
    void aTableWithoutCommitsHasNoSnapshot() {
        assertThat(log.latest()).isEmpty();
    }

    @Test
    void replaysCreateAppendsAndARemove() {
        Metadata metadata = Metadata.newTable(SCHEMA, List.of(), 1_000);
        assertThat(log.commit(-1, List.of(commitInfo("CREATE TABLE"), Protocol.READER_1_WRITER_2, metadata, file("b.parquet"))))
                .isEqualTo(new CommitResult(Outcome.COMMITTED, 0));
        assertThat(log.commit(0, List.of(commitInfo("WRITE"), file("a.parquet"), file("c d=1.parquet"))))
                .isEqualTo(new CommitResult(Outcome.COMMITTED, 1));
        assertThat(log.commit(1, List.of(commitInfo("DELETE"), RemoveFile.of(file("b.parquet"), 3_000, true))))
                .isEqualTo(new CommitResult(Outcome.COMMITTED, 2));

        Snapshot snapshot = log.latest().orElseThrow();

        assertThat(snapshot.version()).isEqualTo(2);
        assertThat(snapshot.metadata()).isEqualTo(metadata);
        assertThat(snapshot.protocol()).isEqualTo(Protocol.READER_1_WRITER_2);
        assertThat(snapshot.activeFiles()).containsExactly(file("a.parquet"), file("c d=1.parquet"));
        assertThat(store.list(ROOT + "_delta_log/")).extracting(entry -> entry.name()).containsExactly(
                ROOT + "_delta_log/00000000000000000000.json",
                ROOT + "_delta_log/00000000000000000001.json",
                ROOT + "_delta_log/00000000000000000002.json");
    }

    @Test
    void theLatestAddOrRemoveOfAPathWins() {
        createTable();
        AddFile first = new AddFile("a.parquet", Map.of(), 10, 1, true, Optional.empty(), Map.of());
        AddFile replacement = new AddFile("a.parquet", Map.of(), 20, 2, true, Optional.empty(), Map.of());
        log.commit(0, List.of(commitInfo("WRITE"), first));
        log.commit(1, List.of(commitInfo("DELETE"), RemoveFile.of(first, 3, true)));
        log.commit(2, List.of(commitInfo("WRITE"), replacement));

        assertThat(log.latest().orElseThrow().activeFiles()).containsExactly(replacement);
    }

    @Test
    void keepsTheLatestVersionOfEachApplicationTransaction() {
        createTable();
        log.commit(0, List.of(commitInfo("WRITE"), new Transaction("pipeline", 1, Optional.of(5L))));
        log.commit(1, List.of(commitInfo("WRITE"), new Transaction("pipeline", 2, Optional.empty()),
                new Transaction("stream", 9, Optional.empty())));

        Snapshot snapshot = log.latest().orElseThrow();

        assertThat(snapshot.appTransactionVersions()).isEqualTo(Map.of("pipeline", 2L, "stream", 9L));
        assertThat(snapshot.transactionVersion("pipeline")).contains(2L);
        assertThat(snapshot.transactionVersion("other")).isEmpty();
    }

    @Test
    void ofWritersRacingForOneVersionExactlyOneCommits() throws Exception {
        createTable();
        int writers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(writers);
        try {
            List<Future<CommitResult>> results = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                AddFile add = file("writer-" + writer + ".parquet");
                DeltaLog writerLog = newLog(store);
                results.add(executor.submit(() -> {
                    start.await();
                    return writerLog.commit(0, List.of(commitInfo("WRITE"), add));
                }));
            }
            start.countDown();
            List<CommitResult> outcomes = new ArrayList<>();
            for (Future<CommitResult> result : results) {
                outcomes.add(result.get());
            }

            assertThat(outcomes).extracting(CommitResult::version).containsOnly(1L);
            assertThat(outcomes.stream().filter(CommitResult::committed).count()).isEqualTo(1);
            assertThat(log.latest().orElseThrow().activeFiles()).hasSize(1);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aCommitToAnExistingVersionIsAConflict() {
        createTable();

        assertThat(log.commit(-1, List.of(commitInfo("CREATE TABLE"), Protocol.READER_1_WRITER_2,
                Metadata.newTable(SCHEMA, List.of(), 1))))
                .isEqualTo(new CommitResult(Outcome.CONFLICT, 0));
    }

    @Test
    void aStoredFileWithThisCommitsIdIsThisCommitAfterAStoreRetry() {
        DeltaLog retryingLog = newLog(new SelfRetryingBlobStore(store));
        retryingLog.commit(-1, List.of(commitInfo("CREATE TABLE"), Protocol.READER_1_WRITER_2,
                Metadata.newTable(SCHEMA, List.of(), 1)));
        log.commit(0, List.of(commitInfo("WRITE"), file("other.parquet")));

        assertThat(retryingLog.commit(0, List.of(commitInfo("WRITE"), file("mine.parquet"))))
                .isEqualTo(new CommitResult(Outcome.CONFLICT, 1));
        assertThat(retryingLog.commit(1, List.of(commitInfo("WRITE"), file("mine.parquet"))))
                .isEqualTo(new CommitResult(Outcome.COMMITTED, 2));
        assertThat(log.latest().orElseThrow().activeFiles())
                .containsExactly(file("mine.parquet"), file("other.parquet"));
    }

    @Test
    void theFirstCommitNeedsProtocolAndMetadata() {
        assertThatThrownBy(() -> log.commit(-1, List.of(commitInfo("CREATE TABLE"), Protocol.READER_1_WRITER_2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a protocol and a metaData");
        assertThat(store.list(ROOT)).isEmpty();
    }

    @Test
    void aCommitNeedsACommitInfoWithAnId() {
        createTable();

        assertThatThrownBy(() -> log.commit(0, List.of(file("a.parquet"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one commitInfo");
        assertThatThrownBy(() -> log.commit(0, List.of(
                new CommitInfo(Optional.of(1L), Optional.of("WRITE"), Map.of(), Optional.empty()), file("a.parquet"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one commitInfo");
    }

    @Test
    void aCommitCannotNameAFileTwice() {
        createTable();

        assertThatThrownBy(() -> log.commit(0, List.of(commitInfo("WRITE"), file("a.parquet"),
                RemoveFile.of(file("a.parquet"), 1, true))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a.parquet");
    }

    @Test
    void aGapInTheLogIsAnErrorNamingTheMissingVersion() {
        createTable();
        log.commit(0, List.of(commitInfo("WRITE"), file("a.parquet")));
        writeByHand(3, "{\"add\":{\"path\":\"b.parquet\",\"partitionValues\":{},\"size\":1,\"modificationTime\":1,\"dataChange\":true}}");

        assertThatThrownBy(log::latest)
                .isInstanceOf(DeltaLogException.class)
                .hasMessage("Delta log of sales/orders/ is missing version 2 (_delta_log/00000000000000000002.json);"
                        + " the latest version is 3");
    }

    @Test
    void aLogWithoutVersionZeroIsAnError() {
        writeByHand(1, "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}");

        assertThatThrownBy(log::latest)
                .isInstanceOf(DeltaLogException.class)
                .hasMessageContaining("missing version 0");
    }

    @Test
    void refusesReaderFeaturesNamingThem() {
        writeByHand(0, """
                {"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],\
                "writerFeatures":["deletionVectors"]}}
                {"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{}",\
                "partitionColumns":[],"configuration":{}}}
                """);

        assertThatThrownBy(log::latest)
                .isInstanceOf(DeltaLogException.class)
                .hasMessage("Delta table sales/orders/ needs reader features that are not supported: deletionVectors")
                .satisfies(error -> assertThat(((DeltaLogException) error).kind()).isEqualTo(ErrorKind.UNSUPPORTED));
    }

    @Test
    void refusesReaderVersionTwo() {
        writeByHand(0, """
                {"protocol":{"minReaderVersion":2,"minWriterVersion":5}}
                {"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{}",\
                "partitionColumns":[],"configuration":{"delta.columnMapping.mode":"name"}}}
                """);

        assertThatThrownBy(log::latest)
                .isInstanceOf(DeltaLogException.class)
                .hasMessage("Delta table sales/orders/ needs reader version 2 (column mapping);"
                        + " only reader version 1 is supported");
    }

    @Test
    void refusesALogWithoutMetadata() {
        writeByHand(0, "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}");

        assertThatThrownBy(log::latest)
                .isInstanceOf(DeltaLogException.class)
                .hasMessage("Delta table sales/orders/ has no metaData action up to version 0");
    }

    @Test
    void ignoresOtherFilesInTheLogFolder() {
        createTable();
        store.createIfAbsent(ROOT + "_delta_log/00000000000000000000.crc", "{}".getBytes(UTF_8));
        store.createIfAbsent(ROOT + "_delta_log/_commits/00000000000000000001.uuid.json", "x".getBytes(UTF_8));
        store.createIfAbsent(ROOT + "_delta_log/_last_checkpoint", "{\"version\":0,\"size\":3}".getBytes(UTF_8));

        assertThat(log.latest().orElseThrow().version()).isZero();
    }

    @Test
    void readsACommitWrittenBySpark() {
        writeByHand(0, """
                {"commitInfo":{"timestamp":1700000000000,"operation":"WRITE","operationParameters":{"mode":"ErrorIfExists",\
                "partitionBy":"[\\"day\\"]"},"isolationLevel":"Serializable","isBlindAppend":true,"operationMetrics":\
                {"numFiles":"2","numOutputRows":"3","numOutputBytes":"1480"},"engineInfo":"Apache-Spark/3.5.0 Delta-Lake/3.1.0",\
                "txnId":"0b1f3c2e-6a55-4a53-9d0e-0f3f5e1c7a10"}}
                {"metaData":{"id":"5b6e6a5c-2a57-4bd8-9a3b-f2a3c2b1d0e9","format":{"provider":"parquet","options":{}},\
                "schemaString":"{\\"type\\":\\"struct\\",\\"fields\\":[{\\"name\\":\\"id\\",\\"type\\":\\"long\\",\\"nullable\\":true,\
                \\"metadata\\":{}},{\\"name\\":\\"day\\",\\"type\\":\\"date\\",\\"nullable\\":true,\\"metadata\\":{}}]}",\
                "partitionColumns":["day"],"configuration":{},"createdTime":1699999999000}}
                {"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
                {"add":{"path":"day=2024-01-01/part-00000-6f0b6a57-3b0b-4d8e-a8b5-3a1f0f5d2c11.c000.snappy.parquet",\
                "partitionValues":{"day":"2024-01-01"},"size":740,"modificationTime":1700000000000,"dataChange":true,\
                "stats":"{\\"numRecords\\":2,\\"minValues\\":{\\"id\\":1},\\"maxValues\\":{\\"id\\":2},\\"nullCount\\":{\\"id\\":0}}"}}
                {"add":{"path":"day=__HIVE_DEFAULT_PARTITION__/part-00001-9a2c1e4d-7f3b-4c2a-b1e0-5d6c7b8a9f01.c000.snappy.parquet",\
                "partitionValues":{"day":null},"size":740,"modificationTime":1700000000000,"dataChange":true,\
                "stats":"{\\"numRecords\\":1,\\"minValues\\":{\\"id\\":3},\\"maxValues\\":{\\"id\\":3},\\"nullCount\\":{\\"id\\":0}}"}}
                """);

        Snapshot snapshot = log.latest().orElseThrow();

        assertThat(snapshot.version()).isZero();
        assertThat(snapshot.protocol()).isEqualTo(Protocol.READER_1_WRITER_2);
        assertThat(snapshot.metadata().id()).isEqualTo("5b6e6a5c-2a57-4bd8-9a3b-f2a3c2b1d0e9");
        assertThat(snapshot.metadata().partitionColumns()).containsExactly("day");
        assertThat(snapshot.metadata().schemaString()).isEqualTo("{\"type\":\"struct\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
                + "{\"name\":\"day\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}}]}");
        assertThat(snapshot.metadata().createdTime()).contains(1_699_999_999_000L);
        assertThat(snapshot.activeFiles()).containsExactly(
                new AddFile("day=2024-01-01/part-00000-6f0b6a57-3b0b-4d8e-a8b5-3a1f0f5d2c11.c000.snappy.parquet",
                        Map.of("day", Optional.of("2024-01-01")), 740, 1_700_000_000_000L, true,
                        Optional.of("{\"numRecords\":2,\"minValues\":{\"id\":1},\"maxValues\":{\"id\":2},\"nullCount\":{\"id\":0}}"),
                        Map.of()),
                new AddFile("day=__HIVE_DEFAULT_PARTITION__/part-00001-9a2c1e4d-7f3b-4c2a-b1e0-5d6c7b8a9f01.c000.snappy.parquet",
                        Map.of("day", Optional.empty()), 740, 1_700_000_000_000L, true,
                        Optional.of("{\"numRecords\":1,\"minValues\":{\"id\":3},\"maxValues\":{\"id\":3},\"nullCount\":{\"id\":0}}"),
                        Map.of()));
    }

    @Test
    void ignoresUnknownActionsAndFieldsWhenReplaying() {
        createTable();
        writeByHand(1, """
                {"commitInfo":{"timestamp":1,"somethingNew":{"a":1}}}
                {"domainMetadata":{"domain":"x","configuration":"{}","removed":false}}
                {"add":{"path":"a%20b.parquet","partitionValues":{},"size":5,"modificationTime":6,"dataChange":true,\
                "clusteringProvider":"liquid","futureField":[1]}}
                """);

        assertThat(log.latest().orElseThrow().activeFiles())
                .containsExactly(new AddFile("a b.parquet", Map.of(), 5, 6, true, Optional.empty(), Map.of()));
    }

    @Test
    void writesCommitInfoFirstWithItsCommitId() {
        CommitInfo commitInfo = commitInfo("CREATE TABLE");
        log.commit(-1, List.of(Protocol.READER_1_WRITER_2, Metadata.newTable(SCHEMA, List.of(), 1), commitInfo));

        String file = new String(store.read(ROOT + DeltaLog.commitFileName(0)), UTF_8);

        assertThat(file.lines().map(line -> line.substring(2, line.indexOf('"', 2))).collect(Collectors.toList()))
                .containsExactly("commitInfo", "protocol", "metaData");
        assertThat(file).contains("\"pondhouse.commitId\":\"" + commitInfo.commitId().orElseThrow() + "\"");
    }

    private DeltaLog newLog(BlobStore logStore) {
        CommitFileFormat format = new CommitFileFormat();
        return new DeltaLog(logStore, ROOT, format, new DuckDbCheckpointReader(logStore, directory.resolve("tmp"), format));
    }

    private void createTable() {
        CommitResult result = log.commit(-1, List.of(commitInfo("CREATE TABLE"), Protocol.READER_1_WRITER_2,
                Metadata.newTable(SCHEMA, List.of(), 1)));
        assertThat(result).isEqualTo(new CommitResult(Outcome.COMMITTED, 0));
    }

    private void writeByHand(long version, String content) {
        assertThat(store.createIfAbsent(ROOT + DeltaLog.commitFileName(version), content.getBytes(UTF_8)))
                .isEqualTo(BlobStore.CreateOutcome.CREATED);
    }

    private static CommitInfo commitInfo(String operation) {
        return CommitInfo.of(1_000, operation, Map.of());
    }

    private static AddFile file(String path) {
        return new AddFile(path, Map.of(), 100, 1_000, true, Optional.of("{\"numRecords\":1}"), Map.of());
    }
}
