package dev.pondhouse.server.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.lake.LakeTableName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading pipeline files: what loads, and every problem reported with its line. */
class PipelineFileTest {
    @TempDir
    static Path folder;

    private static JobEngine engine;

    @BeforeAll
    static void startEngine() throws Exception {
        engine = new JobEngine(1, "256MB", folder.resolve("spill"));
        engine.start();
    }

    @AfterAll
    static void stopEngine() throws Exception {
        engine.close();
    }

    @Test
    void readsSourcesStepsAndTheTablesEachStepReads() throws Exception {
        PipelineDefinition pipeline = parse("""
                description: example
                default-schema: raw
                sources:
                  - schema: raw
                    folder: incoming
                    format: csv
                steps:
                  - name: clean
                    table: sales.orders
                    mode: merge
                    keys: [order_id]
                    partition-by: [day]
                    sql: |
                      WITH recent AS (SELECT * FROM orders WHERE day > DATE '2024-01-01')
                      SELECT * FROM recent JOIN raw.customers USING (customer_id)
                  - name: report
                    table: sales.report
                    mode: overwrite
                    after: [clean]
                    sql: SELECT count(*) AS orders FROM sales.orders
                """);

        assertThat(pipeline.name()).isEqualTo("example");
        assertThat(pipeline.sources()).singleElement().satisfies(source -> {
            assertThat(source.location()).isEqualTo(new ExternalSource.Folder(folder.resolve("incoming").toAbsolutePath()));
            assertThat(source.format()).isEqualTo(ExternalSource.Format.CSV);
        });
        PipelineStep clean = pipeline.steps().get(0);
        assertThat(clean.mode()).isEqualTo(WriteMode.MERGE);
        assertThat(clean.keys()).containsExactly("order_id");
        assertThat(clean.reads()).containsExactlyInAnyOrder(LakeTableName.parse("raw.orders"),
                LakeTableName.parse("raw.customers"));
        assertThat(pipeline.steps().get(1).dependsOn()).containsExactly("clean");
        assertThat(pipeline.targetTables()).extracting(Object::toString).containsExactly("sales.orders", "sales.report");
    }

    @Test
    void readsAContainerSourceWithItsPrefix() throws Exception {
        PipelineDefinition pipeline = parse("""
                sources:
                  - schema: raw
                    container: raw-data
                    prefix: tpch/
                  - schema: landing
                    container: landing
                    format: csv
                steps:
                  - name: a
                    table: s.a
                    mode: overwrite
                    sql: SELECT * FROM raw.orders JOIN landing.customers USING (id)
                """);

        assertThat(pipeline.sources()).extracting(ExternalSource::location).containsExactly(
                new ExternalSource.Container("raw-data", "tpch/"), new ExternalSource.Container("landing", ""));
        assertThat(pipeline.sources().get(1).format()).isEqualTo(ExternalSource.Format.CSV);
    }

    @Test
    void aSourceHasEitherAFolderOrAContainer() {
        assertProblem("""
                sources:
                  - schema: raw
                    folder: incoming
                    container: raw
                steps:
                  - {name: a, table: s.a, mode: overwrite, sql: SELECT 1 AS x}
                """, "example.yaml line 2: a source has either 'folder' (a local folder) or 'container' (an Azure"
                + " container of the lake's storage account), not both");
        assertProblem("""
                sources:
                  - schema: raw
                    format: csv
                steps:
                  - {name: a, table: s.a, mode: overwrite, sql: SELECT 1 AS x}
                """, "example.yaml line 2: a source has either 'folder' (a local folder) or 'container' (an Azure"
                + " container of the lake's storage account), found neither");
        assertProblem("""
                sources:
                  - schema: raw
                    folder: incoming
                    prefix: tpch/
                steps:
                  - {name: a, table: s.a, mode: overwrite, sql: SELECT 1 AS x}
                """, "example.yaml line 4: 'prefix' belongs to a container source");
        assertProblem("""
                sources:
                  - schema: raw
                    container: Raw_Data
                steps:
                  - {name: a, table: s.a, mode: overwrite, sql: SELECT 1 AS x}
                """, "example.yaml line 3: source raw: 'Raw_Data' is not a container name");
        assertProblem("""
                sources:
                  - schema: raw
                    container: raw
                    prefix: tpch
                steps:
                  - {name: a, table: s.a, mode: overwrite, sql: SELECT 1 AS x}
                """, "example.yaml line 3: source raw: prefix 'tpch' must be a folder");
    }

    @Test
    void aContainerSourceWithoutAzureConfigurationIsALoadErrorNamingItsLine() throws Exception {
        Path pipelines = Files.createDirectories(folder.resolve("pipelines-without-azure"));
        Files.writeString(pipelines.resolve("daily.yaml"), """
                description: reads a container
                sources:
                  - schema: raw
                    container: raw
                steps:
                  - {name: a, table: s.a, mode: overwrite, sql: SELECT * FROM raw.orders}
                """);

        assertThatThrownBy(() -> new PipelineDirectory(pipelines, engine).load("daily"))
                .isInstanceOf(PipelineFileException.class)
                .hasMessageContaining("daily.yaml line 3: source raw reads Azure container 'raw', but no Azure storage"
                        + " account is configured");
        assertThat(new PipelineDirectory(pipelines, engine, true).load("daily").sources()).hasSize(1);
    }

    @Test
    void reportsEachProblemWithItsLine() {
        assertProblem("""
                steps:
                  - name: a
                    table: s.a
                    mode: upsert
                    sql: SELECT 1 AS x
                """, "example.yaml line 4: unknown mode 'upsert' (expected one of: overwrite, append, replace-partitions,"
                + " merge)");
        assertProblem("""
                steps:
                  - name: a
                    table: s.a
                    mode: overwrite
                    sqll: SELECT 1 AS x
                """, "example.yaml line 5: unknown key 'sqll' in a step");
        assertProblem("""
                steps:
                  - name: a
                    table: s.a
                    mode: merge
                    sql: SELECT 1 AS x
                """, "example.yaml line 4: step 'a': mode merge needs 'keys: [...]'");
        assertProblem("""
                steps:
                  - name: a
                    table: s.a
                    mode: overwrite
                    sql: |
                      DELETE FROM s.b
                """, "example.yaml line 5: step 'a': the sql is not a query DuckDB accepts");
        assertProblem("""
                steps:
                  - name: a
                    table: s.a
                    mode: overwrite
                    sql: SELECT 1 AS x
                  - name: b
                    table: s.a
                    mode: append
                    sql: SELECT 1 AS x
                """, "example.yaml line 6: step 'b' writes s.a, which step 'a' (line 2) writes too");
        assertProblem("""
                steps:
                  - name: a
                    table: s.a
                    mode: overwrite
                    sql: SELECT * FROM s.b
                  - name: b
                    table: s.b
                    mode: overwrite
                    sql: SELECT * FROM s.a
                """, "depend on each other in a cycle");
        assertProblem("steps: [\n", "example.yaml line 1: not valid YAML");
    }

    private static PipelineDefinition parse(String yaml) throws SQLException {
        try (Connection connection = engine.openConnection()) {
            return PipelineFile.parse("example", yaml, "example.yaml", folder, connection);
        }
    }

    private static void assertProblem(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(PipelineFileException.class).hasMessageContaining(message);
    }
}
