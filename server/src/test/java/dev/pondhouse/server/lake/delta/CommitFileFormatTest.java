package dev.pondhouse.server.lake.delta;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommitFileFormatTest {
    private final CommitFileFormat format = new CommitFileFormat();

    @Test
    void roundTripsEveryActionTypeWithEveryField() {
        List<Action> actions = List.of(
                new CommitInfo(Optional.of(1_700_000_000_000L), Optional.of("WRITE"), Map.of("mode", "Append"),
                        Optional.of("commit-1")),
                new Protocol(3, 7, Optional.of(List.of("deletionVectors")), Optional.of(List.of("deletionVectors", "appendOnly"))),
                new Metadata("table-id", Optional.of("orders"), Optional.of("all orders"),
                        new Metadata.Format("parquet", Map.of("compression", "zstd")),
                        "{\"type\":\"struct\",\"fields\":[]}", List.of("day", "region"),
                        Map.of("delta.appendOnly", "true"), Optional.of(1_699_999_999_000L)),
                new AddFile("day=2024-01-01/region=a b/part-1 x+y.parquet",
                        Map.of("day", Optional.of("2024-01-01"), "region", Optional.empty()),
                        1234, 1_700_000_000_001L, true, Optional.of("{\"numRecords\":7}"), Map.of("origin", "test")),
                new RemoveFile("day=2024-01-01/region=a b/part-0.parquet", Optional.of(1_700_000_000_002L), true,
                        Optional.of(true), Optional.of(Map.of("day", Optional.of("2024-01-01"))), Optional.of(99L)),
                new Transaction("pipeline-7", 42, Optional.of(1_700_000_000_003L)));

        assertThat(format.parse(format.write(actions), "test")).isEqualTo(actions);
    }

    @Test
    void roundTripsActionsWithoutOptionalFields() {
        List<Action> actions = List.of(
                new CommitInfo(Optional.empty(), Optional.empty(), Map.of(), Optional.empty()),
                Protocol.READER_1_WRITER_2,
                new Metadata("id", Optional.empty(), Optional.empty(), Metadata.Format.PARQUET, "{}", List.of(), Map.of(),
                        Optional.empty()),
                new AddFile("a.parquet", Map.of(), 1, 2, false, Optional.empty(), Map.of()),
                new RemoveFile("b.parquet", Optional.empty(), false, Optional.empty(), Optional.empty(), Optional.empty()),
                new Transaction("app", 0, Optional.empty()));

        assertThat(format.parse(format.write(actions), "test")).isEqualTo(actions);
    }

    @Test
    void writesOneActionPerLineInTheProtocolShape() {
        List<Action> actions = List.of(
                Protocol.READER_1_WRITER_2,
                new AddFile("day=2024-01-01/part 1.parquet", Map.of("day", Optional.of("2024-01-01")), 10, 5, true,
                        Optional.of("{\"numRecords\":1}"), Map.of()),
                new RemoveFile("old:file.parquet", Optional.of(6L), true, Optional.empty(), Optional.empty(), Optional.empty()));

        assertThat(new String(format.write(actions), UTF_8)).isEqualTo("""
                {"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
                {"add":{"path":"day=2024-01-01/part%201.parquet","partitionValues":{"day":"2024-01-01"},\
                "size":10,"modificationTime":5,"dataChange":true,"stats":"{\\"numRecords\\":1}"}}
                {"remove":{"path":"old%3Afile.parquet","deletionTimestamp":6,"dataChange":true}}
                """);
    }

    @Test
    void decodesPathsAsUrisNotAsForms() {
        String log = """
                {"add":{"path":"city=S%253AP/a+b%20c%C3%A9.parquet","partitionValues":{"city":"S:P"},"size":1,"modificationTime":2,"dataChange":true}}
                {"remove":{"path":"x%2Fy=1/f.parquet","dataChange":false}}
                """;

        List<Action> actions = format.parse(log.getBytes(UTF_8), "test");

        assertThat(((AddFile) actions.get(0)).path()).isEqualTo("city=S%3AP/a+b cé.parquet");
        assertThat(((RemoveFile) actions.get(1)).path()).isEqualTo("x/y=1/f.parquet");
    }

    @Test
    void ignoresUnknownActionTypesAndUnknownFields() {
        String log = """
                {"domainMetadata":{"domain":"delta.clustering","configuration":"{}","removed":false}}
                {"add":{"path":"a.parquet","partitionValues":{},"size":1,"modificationTime":2,"dataChange":true,\
                "baseRowId":4,"futureField":{"nested":[1,2]}}}

                {"cdc":{"path":"_change_data/c.parquet","partitionValues":{},"size":3,"dataChange":false}}
                {"txn":{"appId":"app","version":3,"futureField":true}}
                """;

        assertThat(format.parse(log.getBytes(UTF_8), "test")).containsExactly(
                new AddFile("a.parquet", Map.of(), 1, 2, true, Optional.empty(), Map.of()),
                new Transaction("app", 3, Optional.empty()));
    }

    @Test
    void keepsNonStringOperationParametersOfOtherWritersAsJsonText() {
        String log = """
                {"commitInfo":{"timestamp":5,"operation":"WRITE","operationParameters":{"mode":"Append","partitionBy":["a"],"n":3}}}
                """;

        CommitInfo commitInfo = (CommitInfo) format.parse(log.getBytes(UTF_8), "test").get(0);

        assertThat(commitInfo.operationParameters())
                .isEqualTo(Map.of("mode", "Append", "partitionBy", "[\"a\"]", "n", "3"));
        assertThat(commitInfo.commitId()).isEmpty();
    }

    @Test
    void refusesAnActionWithoutARequiredFieldNamingIt() {
        String log = """
                {"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
                {"add":{"path":"a.parquet","partitionValues":{},"modificationTime":2,"dataChange":true}}
                """;

        assertThatThrownBy(() -> format.parse(log.getBytes(UTF_8), "00000000000000000004.json"))
                .isInstanceOf(DeltaLogException.class)
                .hasMessage("00000000000000000004.json line 2 add lacks the required field size");
    }

    @Test
    void refusesALineThatIsNotJson() {
        assertThatThrownBy(() -> format.parse("{\"add\":{\"path\"".getBytes(UTF_8), "v.json"))
                .isInstanceOf(DeltaLogException.class)
                .hasMessageStartingWith("v.json line 1 is not JSON");
    }

    @Test
    void refusesAFieldOfTheWrongType() {
        String log = "{\"txn\":{\"appId\":\"app\",\"version\":\"3\"}}";

        assertThatThrownBy(() -> format.parse(log.getBytes(UTF_8), "v.json"))
                .isInstanceOf(DeltaLogException.class)
                .hasMessage("v.json line 1 txn field version is not an integer");
    }
}
