package dev.pondhouse.server.lake.delta;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.DeltaWriteException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the writer refuses, with which message, and what exactly it writes into the log. */
class DeltaTableWriterValidationTest extends DeltaTableWriterTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BlobStore store;
    private DeltaTableWriter writer;

    @Override
    protected BlobStore store() {
        return new LocalBlobStore(directory.resolve("lake"));
    }

    @BeforeEach
    void setUp() {
        store = store();
        writer = writer(store, DeltaWriterSettings.DEFAULT);
    }

    private static void assertRefused(ThrowingCallable write, Reason reason, String... messageParts) {
        assertThatThrownBy(write)
                .isInstanceOf(DeltaWriteException.class)
                .hasMessageContainingAll(messageParts)
                .extracting(e -> ((DeltaWriteException) e).reason()).isEqualTo(reason);
    }

    @Test
    void anAppendWhoseColumnsDifferNamesThem() {
        writer.write(duckdb, WriteRequest.create(TableData.query("SELECT 1::BIGINT AS id, 'a' AS name, 2 AS qty"), List.of()));

        assertRefused(() -> writer.write(duckdb, WriteRequest.append(
                        TableData.query("SELECT 1::INTEGER AS id, 'a' AS name, 'x' AS extra"))),
                Reason.INVALID_INPUT,
                "column id is long in the table but integer in the data",
                "column qty (integer) is missing from the data",
                "column extra (string) is not in the table");
        assertThat(writer.log().latest().orElseThrow().version()).isZero();
    }

    @Test
    void aColumnWithoutDeltaTypeIsRefusedNamingIt() {
        assertRefused(() -> writer.write(duckdb, WriteRequest.create(
                        TableData.query("SELECT 1::BIGINT AS id, '00000000-0000-0000-0000-000000000001'::UUID AS key"),
                        List.of())),
                Reason.INVALID_INPUT, "column key has type UUID");
        assertThat(writer.log().latest()).isEmpty();
    }

    @Test
    void aHugeIntColumnIsStoredAsDecimal() {
        writer.write(duckdb, WriteRequest.create(TableData.query("SELECT 1::BIGINT AS id, sum(i) AS total"
                + " FROM range(5) t(i)"), List.of()));

        assertThat(writer.log().latest().orElseThrow().metadata().schemaString())
                .contains("\"name\":\"total\",\"type\":\"decimal(38,0)\"");
    }

    @Test
    void wrongTableStatesAndPartitioningAreRefused() {
        assertRefused(() -> writer.write(duckdb, WriteRequest.append(TableData.query("SELECT 1 AS id"))),
                Reason.TABLE_NOT_FOUND, "does not exist");
        assertRefused(() -> writer.write(duckdb, WriteRequest.create(
                        TableData.query("SELECT 1 AS id, TIMESTAMP '2024-01-01 10:00' AS at"), List.of("at"))),
                Reason.INVALID_INPUT, "partition column at has type TIMESTAMP");
        assertRefused(() -> writer.write(duckdb, WriteRequest.create(TableData.query("SELECT 1 AS id"), List.of("day"))),
                Reason.INVALID_INPUT, "partition column day is not a column of the data");
        writer.write(duckdb, WriteRequest.create(TableData.query("SELECT 1 AS id"), List.of()));
        assertRefused(() -> writer.write(duckdb, WriteRequest.create(TableData.query("SELECT 1 AS id"), List.of())),
                Reason.TABLE_EXISTS, "exists already");
        assertRefused(() -> writer.write(duckdb, WriteRequest.replacePartitions(TableData.query("SELECT 2 AS id"))),
                Reason.INVALID_INPUT, "is not partitioned", "overwrite it instead");
        assertRefused(() -> writer.write(duckdb, WriteRequest.append(TableData.query("SELECT * FROM no_such_table"))),
                Reason.INVALID_INPUT, "no_such_table");
    }

    @Test
    void writesHivePartitionFoldersDeltaPartitionValuesAndExactStatistics() throws Exception {
        writer.write(duckdb, WriteRequest.create(TableData.query(rows(0, 4)), List.of("region", "day")));

        List<JsonNode> adds = commitLines(0).stream().filter(line -> line.has("add")).map(line -> line.get("add")).toList();
        assertThat(adds).hasSize(4);
        JsonNode escaped = adds.stream().filter(add -> add.get("partitionValues").get("region").asText().equals("a/b:c=d%"))
                .findFirst().orElseThrow();
        assertThat(escaped.get("path").asText()).matches("region=a%252Fb%253Ac%253Dd%2525/day=2024-01-03/part-[0-9a-f-]{36}\\.parquet");
        assertThat(escaped.get("dataChange").asBoolean()).isTrue();
        JsonNode stats = JSON.readTree(escaped.get("stats").asText());
        assertThat(stats.get("numRecords").asLong()).isEqualTo(1);
        assertThat(stats.get("minValues").get("id").asLong()).isEqualTo(2);
        assertThat(stats.get("nullCount").get("note").asLong()).isZero();
        assertThat(stats.get("minValues").has("region")).isFalse();
        JsonNode nullRegion = adds.stream().filter(add -> add.get("partitionValues").get("region").isNull())
                .findFirst().orElseThrow();
        assertThat(nullRegion.get("path").asText()).startsWith("region=__HIVE_DEFAULT_PARTITION__/day=2024-01-01/");
        assertThat(store.properties(ROOT + "region=a%2Fb%3Ac%3Dd%25/day=2024-01-03/"
                + escaped.get("path").asText().substring(escaped.get("path").asText().lastIndexOf('/') + 1))).isPresent();

        JsonNode schema = JSON.readTree(commitLines(0).stream().filter(line -> line.has("metaData")).findFirst()
                .orElseThrow().get("metaData").get("schemaString").asText());
        assertThat(schema.get("fields").findValuesAsText("type"))
                .containsExactly("long", "string", "date", "decimal(10,2)", "timestamp", "string");
        Path uploaded = directory.resolve("lake").resolve(ROOT).resolve(
                writer.log().latest().orElseThrow().activeFiles().get(0).path());
        try (Statement statement = duckdb.createStatement(); ResultSet result = statement.executeQuery(
                "SELECT duckdb_type FROM parquet_schema(" + SqlIdentifiers.literal(uploaded.toString()) + ") WHERE name = 'ts'")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo("TIMESTAMP WITH TIME ZONE");
        }
    }

    @Test
    void stagedFilesAreUploadedUnderUniqueNamesAndLeftToTheCaller() throws Exception {
        Path staged = directory.resolve("staged");
        Files.createDirectories(staged);
        Path first = staged.resolve("first.parquet");
        Path second = staged.resolve("second.parquet");
        execute(duckdb, "COPY (SELECT range AS id, 'x' || range AS name FROM range(5)) TO "
                + SqlIdentifiers.literal(first.toString()) + " (FORMAT parquet)");
        execute(duckdb, "COPY (SELECT range + 5 AS id, 'y' AS name FROM range(3)) TO "
                + SqlIdentifiers.literal(second.toString()) + " (FORMAT parquet)");

        WriteResult result = writer.write(duckdb, WriteRequest.create(TableData.StagedFiles.unpartitioned(List.of(first, second)),
                List.of()));

        assertThat(result.filesAdded()).isEqualTo(2);
        assertThat(result.rowsAdded()).isEqualTo(8);
        assertThat(first).exists();
        assertThat(second).exists();
        assertThat(writer.log().latest().orElseThrow().activeFiles()).extracting(AddFile::path)
                .allMatch(path -> path.matches("part-[0-9a-f-]{36}\\.parquet"));

        Path partitionedFile = staged.resolve("day-file.parquet");
        execute(duckdb, "COPY (SELECT 1::BIGINT AS id) TO " + SqlIdentifiers.literal(partitionedFile.toString()) + " (FORMAT parquet)");
        DeltaTableWriter partitioned = new DeltaTableWriter(store, "other/table/", new CommitFileFormat(),
                new DuckDbCheckpointReader(store, directory.resolve("tmp"), new CommitFileFormat()), directory.resolve("work"),
                java.time.Clock.systemUTC(), DeltaWriterSettings.DEFAULT);
        partitioned.write(duckdb, WriteRequest.create(new TableData.StagedFiles(
                Optional.of(List.of(new DeltaSchemas.Column("id", "BIGINT"), new DeltaSchemas.Column("day", "DATE"))),
                List.of(new TableData.StagedFile(partitionedFile, Map.of("day", Optional.of("2024-05-06"))))), List.of("day")));
        assertThat(partitioned.log().latest().orElseThrow().activeFiles()).singleElement()
                .satisfies(add -> assertThat(add.path()).startsWith("day=2024-05-06/part-"))
                .satisfies(add -> assertThat(add.partitionValues()).isEqualTo(Map.of("day", Optional.of("2024-05-06"))));
    }

    @Test
    void aFileWrittenIntoTheTableFolderIsCommittedWhereItIsWithoutACopy() throws Exception {
        writer.write(duckdb, WriteRequest.create(TableData.query("SELECT range AS id FROM range(3)"), List.of()));
        String tablePath = DeltaTableWriter.newDataFilePath(List.of(), Map.of());
        Path inTable = directory.resolve("lake").resolve(ROOT + tablePath);
        execute(duckdb, "COPY (SELECT range + 3 AS id FROM range(4)) TO " + SqlIdentifiers.literal(inTable.toString())
                + " (FORMAT parquet)");
        long dataFiles = store.list(ROOT).stream().filter(entry -> !entry.name().startsWith(ROOT + DeltaLog.LOG_FOLDER))
                .count();

        WriteResult result = writer.write(duckdb, WriteRequest.append(new TableData.StagedFiles(Optional.empty(),
                List.of(new TableData.StagedFile(inTable, Map.of(), Optional.of(tablePath))))));

        assertThat(result.rowsAdded()).isEqualTo(4);
        assertThat(writer.log().latest().orElseThrow().activeFiles()).extracting(AddFile::path).contains(tablePath);
        assertThat(store.list(ROOT).stream().filter(entry -> !entry.name().startsWith(ROOT + DeltaLog.LOG_FOLDER)))
                .as("no uploaded copy").hasSize((int) dataFiles);
    }

    @Test
    void aFileSaidToBeInTheTableFolderMustBeThereUnderANewDataFileName() throws Exception {
        writer.write(duckdb, WriteRequest.create(TableData.query("SELECT range AS id FROM range(3)"), List.of()));
        Path local = directory.resolve("elsewhere.parquet");
        execute(duckdb, "COPY (SELECT 7::BIGINT AS id) TO " + SqlIdentifiers.literal(local.toString()) + " (FORMAT parquet)");
        String existing = writer.log().latest().orElseThrow().activeFiles().get(0).path();

        assertRefused(() -> writer.write(duckdb, WriteRequest.append(new TableData.StagedFiles(Optional.empty(),
                        List.of(new TableData.StagedFile(local, Map.of(), Optional.of(DeltaTableWriter.newDataFilePath(
                                List.of(), Map.of()))))))),
                Reason.INVALID_INPUT, "is not in Delta table", "nothing there");
        assertRefused(() -> writer.write(duckdb, WriteRequest.append(new TableData.StagedFiles(Optional.empty(),
                        List.of(new TableData.StagedFile(local, Map.of(), Optional.of("data/file.parquet")))))),
                Reason.INVALID_INPUT, "is not a new data file's path");
        assertRefused(() -> writer.write(duckdb, WriteRequest.append(new TableData.StagedFiles(Optional.empty(),
                        List.of(new TableData.StagedFile(local, Map.of(), Optional.of(existing)))))),
                Reason.INVALID_INPUT, "is already a data file");
        assertThat(writer.log().latest().orElseThrow().version()).isZero();
    }

    @Test
    void anEmptyOverwriteEmptiesTheTable() throws Exception {
        writer.write(duckdb, WriteRequest.create(TableData.query(rows(0, 5)), List.of()));

        WriteResult result = writer.write(duckdb, WriteRequest.overwrite(TableData.query(rows(0, 0))));

        assertThat(result.filesAdded()).isZero();
        Snapshot snapshot = writer.log().latest().orElseThrow();
        assertThat(snapshot.activeFiles()).isEmpty();
        assertThat(snapshot.tombstones()).hasSize(1);
    }

    private List<JsonNode> commitLines(long version) throws Exception {
        String content = new String(store.read(ROOT + DeltaLog.commitFileName(version)), UTF_8);
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String line : content.split("\n")) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }
}
