package dev.pondhouse.server.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.pipeline.PipelineResult.Status;
import dev.pondhouse.server.pipeline.PipelineResult.StepOutcome;
import dev.pondhouse.server.pipeline.PipelineResult.StepResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelines end to end on a local lake: sources and lake tables read by schema.table, steps run in
 * dependency order, every mode, merge rewriting only the files that hold a key, idempotent re-runs,
 * a failing step leaving the tables before it committed and its own unchanged, cancellation.
 */
class PipelineRunnerTest {
    private static final String SALES = """
            description: daily sales from raw files
            sources:
              - schema: raw
                folder: raw
            steps:
              - name: totals
                table: sales.totals
                mode: overwrite
                sql: SELECT sum(amount) AS amount, count(*) AS days FROM sales.daily
              - name: daily
                table: sales.daily
                mode: overwrite
                partition-by: [region]
                sql: |
                  SELECT day, region, sum(amount) AS amount
                  FROM raw.sales GROUP BY ALL
            """;

    @TempDir
    Path folder;

    private PipelineLake lake;

    @BeforeEach
    void createLake() throws Exception {
        lake = new PipelineLake(folder);
        Files.createDirectories(folder.resolve("raw/sales"));
        lake.execute("COPY (SELECT DATE '2024-01-01' + (i % 3)::INTEGER AS day, CASE WHEN i % 2 = 0 THEN 'north' ELSE"
                + " 'south' END AS region, (i * 1.5)::DECIMAL(10,2) AS amount FROM range(100) t(i)) TO '"
                + folder.resolve("raw/sales/part-1.parquet") + "' (FORMAT parquet)");
    }

    @AfterEach
    void closeLake() throws Exception {
        lake.close();
    }

    @Test
    void runsStepsAfterTheStepsWritingWhatTheyReadAndWritesEachTableOnce() throws Exception {
        PipelineDefinition pipeline = lake.parse("sales", SALES, folder);
        assertThat(pipeline.steps()).extracting(PipelineStep::name).containsExactly("daily", "totals");
        assertThat(pipeline.step("totals").orElseThrow().dependsOn()).containsExactly("daily");

        PipelineResult result = lake.runner.run(pipeline, 1, () -> false, JobProgress.NONE);

        assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(result.steps()).extracting(StepResult::outcome).containsOnly(StepOutcome.COMMITTED);
        assertThat(lake.rows("sales.daily", "day, region, amount")).containsExactly(
                "2024-01-01|north|1224.00", "2024-01-01|south|1300.50", "2024-01-02|north|1176.00",
                "2024-01-02|south|1249.50", "2024-01-03|north|1275.00", "2024-01-03|south|1200.00");
        assertThat(lake.rows("sales.totals", "amount, days")).containsExactly("7425.00|6");
        assertThat(lake.lake.latest(LakeTableName.parse("sales.daily")).orElseThrow().metadata().partitionColumns())
                .containsExactly("region");
        assertThat(lake.committed).containsExactly(LakeTableName.parse("sales.daily"), LakeTableName.parse("sales.totals"));
    }

    @Test
    void rerunningARunNumberWritesNothingAndANewRunNumberWritesAgain() throws Exception {
        PipelineDefinition pipeline = lake.parse("sales", SALES, folder);
        lake.runner.run(pipeline, 7, () -> false, JobProgress.NONE);
        long daily = lake.version("sales.daily");

        PipelineResult again = lake.runner.run(pipeline, 7, () -> false, JobProgress.NONE);

        assertThat(again.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(again.steps()).extracting(StepResult::outcome).containsOnly(StepOutcome.ALREADY_APPLIED);
        assertThat(lake.version("sales.daily")).isEqualTo(daily);
        assertThat(lake.runner.run(pipeline, 6, () -> false, JobProgress.NONE).steps())
                .extracting(StepResult::outcome).containsOnly(StepOutcome.ALREADY_APPLIED);

        PipelineResult next = lake.runner.run(pipeline, 8, () -> false, JobProgress.NONE);
        assertThat(next.steps()).extracting(StepResult::outcome).containsOnly(StepOutcome.COMMITTED);
        assertThat(lake.version("sales.daily")).isEqualTo(daily + 1);
        assertThat(lake.rows("sales.totals", "amount, days")).containsExactly("7425.00|6");
    }

    @Test
    void aFailingStepLeavesEarlierStepsCommittedItsTableUnchangedAndLaterStepsNotRun() throws Exception {
        lake.runner.run(lake.parse("sales", SALES, folder), 1, () -> false, JobProgress.NONE);
        long totals = lake.version("sales.totals");
        String broken = SALES.replace("sum(amount) AS amount, count(*)", "sum(no_such_column) AS amount, count(*)")
                + """
                  - name: after_totals
                    table: sales.after_totals
                    mode: overwrite
                    sql: SELECT * FROM sales.totals
                """;

        PipelineResult result = lake.runner.run(lake.parse("sales", broken, folder), 2, () -> false, JobProgress.NONE);

        assertThat(result.status()).isEqualTo(Status.FAILED);
        assertThat(result.steps()).extracting(StepResult::outcome)
                .containsExactly(StepOutcome.COMMITTED, StepOutcome.FAILED, StepOutcome.NOT_RUN);
        assertThat(result.failure().orElseThrow().step()).isEqualTo("totals");
        assertThat(result.failure().orElseThrow().kind()).isEqualTo(ErrorKind.USER_ERROR);
        assertThat(result.failure().orElseThrow().reason()).contains("sales.totals").contains("no_such_column");
        assertThat(lake.version("sales.totals")).isEqualTo(totals);
        assertThat(lake.lake.latest(LakeTableName.parse("sales.after_totals"))).isEmpty();
        assertThat(result.summary()).containsEntry("status", "FAILED").containsKey("failure");
    }

    @Test
    void appendsAndReplacesPartitions() throws Exception {
        String yaml = """
                steps:
                  - name: events
                    table: app.events
                    mode: append
                    partition-by: [day]
                    sql: SELECT DATE '2024-03-01' + (i % 2)::INTEGER AS day, i AS id FROM range(4) t(i)
                """;
        lake.runner.run(lake.parse("events", yaml, folder), 1, () -> false, JobProgress.NONE);
        lake.runner.run(lake.parse("events", yaml, folder), 2, () -> false, JobProgress.NONE);
        assertThat(lake.rows("app.events", "day, id")).hasSize(8);

        String replace = """
                steps:
                  - name: events
                    table: app.events
                    mode: replace-partitions
                    partition-by: [day]
                    sql: SELECT DATE '2024-03-02' AS day, 42::BIGINT AS id
                """;
        PipelineResult result = lake.runner.run(lake.parse("events", replace, folder), 3, () -> false, JobProgress.NONE);

        assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(lake.rows("app.events", "day, id")).containsExactly(
                "2024-03-01|0", "2024-03-01|0", "2024-03-01|2", "2024-03-01|2", "2024-03-02|42");
    }

    @Test
    void mergeReplacesChangedRowsAddsNewKeysAndRewritesOnlyTheFilesHoldingAKey() throws Exception {
        for (int batch = 0; batch < 4; batch++) {
            String yaml = """
                    steps:
                      - name: load
                        table: crm.customers
                        mode: append
                        sql: SELECT (%d * 10 + i)::BIGINT AS id, 'name ' || (%d * 10 + i) AS name FROM range(10) t(i)
                    """.formatted(batch, batch);
            lake.runner.run(lake.parse("load", yaml, folder), batch + 1, () -> false, JobProgress.NONE);
        }
        Set<String> before = paths("crm.customers");
        assertThat(before).hasSize(4);
        String merge = """
                steps:
                  - name: upsert
                    table: crm.customers
                    mode: merge
                    keys: [id]
                    sql: SELECT * FROM (VALUES (12::BIGINT, 'renamed 12'), (15::BIGINT, 'renamed 15'), (100::BIGINT, 'new 100')) v(id, name)
                """;

        PipelineResult result = lake.runner.run(lake.parse("upsert", merge, folder), 1, () -> false, JobProgress.NONE);

        assertThat(result.status()).isEqualTo(Status.SUCCEEDED);
        List<String> rows = lake.rows("crm.customers", "lpad(id::VARCHAR, 3, '0'), name");
        assertThat(rows).hasSize(41).contains("012|renamed 12", "015|renamed 15", "100|new 100", "011|name 11", "039|name 39")
                .doesNotContain("012|name 12", "015|name 15");
        Set<String> after = paths("crm.customers");
        // The file of ids 10-19 was rewritten, the other three stayed; one new file holds the rewrite and the new rows.
        assertThat(after).containsAll(before.stream().filter(after::contains).toList());
        assertThat(before.stream().filter(after::contains).count()).isEqualTo(3);
        assertThat(after).hasSize(4);
        assertThat(result.steps().get(0).rowsWritten()).isEqualTo(11);
    }

    @Test
    void mergeRefusesDuplicateAndNullKeysAndChangesNothing() throws Exception {
        lake.runner.run(lake.parse("load", """
                steps:
                  - name: load
                    table: crm.customers
                    mode: overwrite
                    sql: SELECT i::BIGINT AS id, 'n' AS name FROM range(3) t(i)
                """, folder), 1, () -> false, JobProgress.NONE);
        long version = lake.version("crm.customers");
        for (String values : List.of("(1::BIGINT, 'a'), (1::BIGINT, 'b')", "(NULL::BIGINT, 'a')")) {
            PipelineResult result = lake.runner.run(lake.parse("upsert", """
                    steps:
                      - name: upsert
                        table: crm.customers
                        mode: merge
                        keys: [id]
                        sql: SELECT * FROM (VALUES %s) v(id, name)
                    """.formatted(values), folder), 1, () -> false, JobProgress.NONE);
            assertThat(result.status()).isEqualTo(Status.FAILED);
            assertThat(result.failure().orElseThrow().reason()).containsAnyOf("more than once", "null key");
        }
        assertThat(lake.version("crm.customers")).isEqualTo(version);
    }

    @Test
    void aStepDoesNotWriteOverAFolderOfPlainParquetFiles() throws Exception {
        Files.createDirectories(lake.root.resolve("plain/events"));
        lake.execute("COPY (SELECT 1 AS id) TO '" + lake.root.resolve("plain/events/data.parquet") + "' (FORMAT parquet)");

        PipelineResult result = lake.runner.run(lake.parse("plain", """
                steps:
                  - name: events
                    table: plain.events
                    mode: append
                    sql: SELECT 2 AS id
                """, folder), 1, () -> false, JobProgress.NONE);

        assertThat(result.failure().orElseThrow().kind()).isEqualTo(ErrorKind.CONFLICT);
        assertThat(result.failure().orElseThrow().reason()).contains("plain Parquet files");
        assertThat(lake.rows("plain.events", "id")).containsExactly("1");
    }

    @Test
    void aCancelledRunStopsBeforeTheNextStep() throws Exception {
        PipelineResult result = lake.runner.run(lake.parse("sales", SALES, folder), 1, () -> true, JobProgress.NONE);

        assertThat(result.status()).isEqualTo(Status.CANCELLED);
        assertThat(result.steps()).extracting(StepResult::outcome).containsOnly(StepOutcome.NOT_RUN);
        assertThat(lake.lake.latest(LakeTableName.parse("sales.daily"))).isEmpty();
    }

    private Set<String> paths(String table) {
        return lake.lake.latest(LakeTableName.parse(table)).orElseThrow().activeFiles().stream().map(AddFile::path)
                .collect(Collectors.toSet());
    }
}
