package dev.pondhouse.server.lake.delta;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaLogCheckpointTest {
    private static final String ROOT = "sales/orders/";
    /** The columns of a classic checkpoint as Spark writes them (without the optional parsed stats). */
    private static final String CHECKPOINT_TABLE = """
            CREATE TABLE checkpoint (
              txn STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT),
              "add" STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT,
                dataChange BOOLEAN, tags MAP(VARCHAR, VARCHAR), stats VARCHAR),
              remove STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN,
                partitionValues MAP(VARCHAR, VARCHAR), size BIGINT),
              metaData STRUCT(id VARCHAR, name VARCHAR, description VARCHAR,
                format STRUCT(provider VARCHAR, options MAP(VARCHAR, VARCHAR)), schemaString VARCHAR,
                partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR), createdTime BIGINT),
              protocol STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER))
            """;
    private static final List<String> STATE_AT_VERSION_2 = List.of(
            "INSERT INTO checkpoint (protocol) VALUES ({'minReaderVersion': 1, 'minWriterVersion': 2})",
            """
            INSERT INTO checkpoint (metaData) VALUES ({'id': 'table-1', 'name': NULL, 'description': NULL,
              'format': {'provider': 'parquet', 'options': MAP {}}, 'schemaString': '{"type":"struct","fields":[]}',
              'partitionColumns': ['day'], 'configuration': MAP {'delta.appendOnly': 'false'}, 'createdTime': 5})""",
            """
            INSERT INTO checkpoint ("add") VALUES ({'path': 'day=2024-01-01/a%20file.parquet',
              'partitionValues': MAP {'day': '2024-01-01'}, 'size': 10, 'modificationTime': 1, 'dataChange': false,
              'tags': NULL, 'stats': '{"numRecords":3}'})""",
            """
            INSERT INTO checkpoint ("add") VALUES ({'path': 'day=__HIVE_DEFAULT_PARTITION__/b.parquet',
              'partitionValues': MAP {'day': NULL}, 'size': 20, 'modificationTime': 2, 'dataChange': false,
              'tags': NULL, 'stats': NULL})""",
            """
            INSERT INTO checkpoint (remove) VALUES ({'path': 'day=2024-01-01/old.parquet', 'deletionTimestamp': 3,
              'dataChange': false, 'extendedFileMetadata': NULL, 'partitionValues': NULL, 'size': NULL})""",
            "INSERT INTO checkpoint (txn) VALUES ({'appId': 'pipeline', 'version': 7, 'lastUpdated': 4})");

    @TempDir
    Path directory;

    private BlobStore store;
    private DeltaLog log;

    @BeforeEach
    void setUp() {
        store = new LocalBlobStore(directory.resolve("lake"));
        CommitFileFormat format = new CommitFileFormat();
        log = new DeltaLog(store, ROOT, format, new DuckDbCheckpointReader(store, directory.resolve("tmp"), format));
    }

    @Test
    void startsFromTheCheckpointAndReplaysTheCommitsAfterIt() throws Exception {
        writeCheckpoint(2, STATE_AT_VERSION_2);
        log.commit(2, List.of(CommitInfo.of(1, "WRITE", Map.of()),
                new AddFile("day=2024-01-02/c.parquet", Map.of("day", Optional.of("2024-01-02")), 30, 6, true,
                        Optional.empty(), Map.of()),
                new RemoveFile("day=__HIVE_DEFAULT_PARTITION__/b.parquet", Optional.of(7L), true, Optional.empty(),
                        Optional.empty(), Optional.empty())));

        Snapshot snapshot = log.latest().orElseThrow();

        assertThat(snapshot.version()).isEqualTo(3);
        assertThat(snapshot.protocol()).isEqualTo(Protocol.READER_1_WRITER_2);
        assertThat(snapshot.metadata()).isEqualTo(new Metadata("table-1", Optional.empty(), Optional.empty(),
                Metadata.Format.PARQUET, "{\"type\":\"struct\",\"fields\":[]}", List.of("day"),
                Map.of("delta.appendOnly", "false"), Optional.of(5L)));
        assertThat(snapshot.activeFiles()).extracting(AddFile::path)
                .containsExactly("day=2024-01-01/a file.parquet", "day=2024-01-02/c.parquet");
        assertThat(snapshot.activeFiles().get(0)).isEqualTo(new AddFile("day=2024-01-01/a file.parquet",
                Map.of("day", Optional.of("2024-01-01")), 10, 1, false, Optional.of("{\"numRecords\":3}"), Map.of()));
        assertThat(snapshot.appTransactionVersions()).isEqualTo(Map.of("pipeline", 7L));
    }

    @Test
    void aCheckpointWithoutLaterCommitsIsTheLatestVersion() throws Exception {
        writeCheckpoint(2, STATE_AT_VERSION_2);

        Snapshot snapshot = log.latest().orElseThrow();

        assertThat(snapshot.version()).isEqualTo(2);
        assertThat(snapshot.activeFiles()).extracting(AddFile::path)
                .containsExactly("day=2024-01-01/a file.parquet", "day=__HIVE_DEFAULT_PARTITION__/b.parquet");
        assertThat(snapshot.activeFiles().get(1).partitionValues()).isEqualTo(Map.of("day", Optional.empty()));
    }

    @Test
    void aGapAfterTheCheckpointIsAnError() throws Exception {
        writeCheckpoint(2, STATE_AT_VERSION_2);
        store.createIfAbsent(ROOT + DeltaLog.commitFileName(4), "{\"txn\":{\"appId\":\"a\",\"version\":1}}".getBytes(UTF_8));

        assertThatThrownBy(log::latest)
                .isInstanceOf(DeltaLogException.class)
                .hasMessageContaining("is missing version 3");
    }

    @Test
    void aMultiPartCheckpointWhoseCommitsAreGoneIsRefusedNamingIt() {
        store.createIfAbsent(ROOT + "_delta_log/00000000000000000005.checkpoint.0000000001.0000000002.parquet", new byte[] {1});
        store.createIfAbsent(ROOT + DeltaLog.commitFileName(6), "{\"txn\":{\"appId\":\"a\",\"version\":1}}".getBytes(UTF_8));

        assertThatThrownBy(log::latest)
                .isInstanceOf(DeltaLogException.class)
                .hasMessageContaining("is missing version 0")
                .hasMessageContaining("checkpoints of a kind not supported yet (multi-part or V2): "
                        + "00000000000000000005.checkpoint.0000000001.0000000002.parquet");
    }

    @Test
    void aCheckpointThatIsNotParquetIsAnError() {
        store.createIfAbsent(ROOT + DeltaLog.checkpointFileName(0), "not parquet".getBytes(UTF_8));

        assertThatThrownBy(log::latest)
                .isInstanceOf(DeltaLogException.class)
                .hasMessageStartingWith("cannot read the checkpoint " + ROOT + DeltaLog.checkpointFileName(0));
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void deletesTheDownloadedCheckpoint() throws Exception {
        writeCheckpoint(2, STATE_AT_VERSION_2);

        log.latest();

        assertThat(temporaryFiles()).isEmpty();
    }

    private List<Path> temporaryFiles() {
        Path temporaryDirectory = directory.resolve("tmp");
        if (!Files.exists(temporaryDirectory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(temporaryDirectory)) {
            return files.toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void writeCheckpoint(long version, List<String> inserts) throws SQLException {
        Path file = directory.resolve("checkpoint-" + version + ".parquet");
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute(CHECKPOINT_TABLE);
            for (String insert : inserts) {
                statement.execute(insert);
            }
            statement.execute("COPY checkpoint TO '" + file + "' (FORMAT parquet)");
        }
        store.upload(ROOT + DeltaLog.checkpointFileName(version), file);
    }
}
