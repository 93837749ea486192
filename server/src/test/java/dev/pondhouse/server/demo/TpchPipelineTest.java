package dev.pondhouse.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.config.ConfigLoader;
import dev.pondhouse.server.config.ServerConfig;
import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import dev.pondhouse.server.pipeline.JobProgress;
import dev.pondhouse.server.pipeline.PipelineDefinition;
import dev.pondhouse.server.pipeline.PipelineDirectory;
import dev.pondhouse.server.pipeline.PipelineResult;
import dev.pondhouse.server.pipeline.PipelineRunner;
import dev.pondhouse.server.testing.TpchAnswers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped TPC-H pipeline on the demo lake at scale factor 0.01: raw Parquet in, 22 result
 * tables out, each holding exactly the answer io.trino.tpch ships for its query.
 */
class TpchPipelineTest {
    private static final Pattern LIMIT = Pattern.compile("(?is)\\s+LIMIT\\s+\\d+\\s*$");

    @TempDir
    Path folder;

    @Test
    void theTpchPipelineCommitsEachQuerysAnswerAsATable() throws Exception {
        Path lakeRoot = folder.resolve("lake");
        new TpchLakeGenerator(lakeRoot, 2).ensureGenerated(0.01, GenerationProgress.ignoring());
        Path configFile = TpchPipelineDemo.prepare(lakeRoot);
        ServerConfig config = new ConfigLoader().load(Optional.of(configFile), Map.of(), Map.of());

        try (JobEngine engine = new JobEngine(2, "2GB", folder.resolve("spill"))) {
            engine.start();
            PipelineDefinition pipeline = new PipelineDirectory(config.pipelines().directory().orElseThrow(), engine)
                    .load(TpchPipelineDemo.PIPELINE_NAME);
            DeltaLake lake = DeltaLake.local(config.lake().root(), folder.resolve("work"), Clock.systemUTC(),
                    DeltaWriterSettings.DEFAULT);

            PipelineResult result = new PipelineRunner(engine, lake, table -> {}).run(pipeline, 1, () -> false,
                    JobProgress.NONE);

            assertThat(result.failure()).isEmpty();
            assertThat(result.steps()).hasSize(22);
            try (Connection connection = engine.openConnection()) {
                for (int number = 1; number <= 22; number++) {
                    LakeTableName table = new LakeTableName(TpchPipelineDemo.RESULT_SCHEMA, String.format("q%02d", number));
                    String query = TpchAnswers.statements(number).get(TpchAnswers.statements(number).size() - 1);
                    String files = lake.reads("test").files(table).orElseThrow().files().stream()
                            .map(file -> "'" + file + "'").collect(Collectors.joining(", ", "[", "]"));
                    try (Statement statement = connection.createStatement();
                            ResultSet rows = statement.executeQuery("SELECT * FROM read_parquet(" + files + ") "
                                    + orderBy(query))) {
                        TpchAnswers.assertAnswer(number, TpchAnswers.rows(rows));
                    }
                }
            }
        }
    }

    /**
     * {@code ORDER BY} and the query's last ordering (TPC-H queries order by output columns), without
     * its LIMIT; empty for the queries that return one row and have none.
     */
    private static String orderBy(String query) {
        int orderBy = query.toUpperCase(Locale.ROOT).replaceAll("\\s", " ").lastIndexOf("ORDER BY");
        return orderBy < 0 ? "" : LIMIT.matcher(query.substring(orderBy)).replaceFirst("");
    }
}
