package dev.pondhouse.server.pipeline;

import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** A lake folder, the job engine and a pipeline runner over them, for the pipeline tests. */
final class PipelineLake implements AutoCloseable {
    final Path root;
    final JobEngine engine;
    final DeltaLake lake;
    final PipelineRunner runner;
    final List<LakeTableName> committed = new ArrayList<>();

    PipelineLake(Path folder) throws Exception {
        root = folder.resolve("lake");
        engine = new JobEngine(2, "1GB", folder.resolve("spill"));
        engine.start();
        lake = DeltaLake.local(root, folder.resolve("work"), Clock.systemUTC(), DeltaWriterSettings.DEFAULT);
        runner = new PipelineRunner(engine, lake, committed::add);
    }

    PipelineDefinition parse(String name, String yaml, Path baseFolder) throws SQLException {
        try (Connection connection = engine.openConnection()) {
            return PipelineFile.parse(name, yaml, name + ".yaml", baseFolder, connection);
        }
    }

    /** Runs {@code sql} on the job engine. */
    void execute(String sql) throws SQLException {
        try (Connection connection = engine.openConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The rows of a lake table as text ({@code |} between columns), sorted by the given SQL order. */
    List<String> rows(String table, String columns) throws Exception {
        LakeTableName name = LakeTableName.parse(table);
        String read = StepCatalog.readSql(lake.reads("test").files(name).orElseThrow());
        List<String> rows = new ArrayList<>();
        try (Connection connection = engine.openConnection(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT concat_ws('|', " + columns + ") AS line FROM (" + read
                        + ") ORDER BY line")) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }

    long version(String table) {
        return lake.latest(LakeTableName.parse(table)).orElseThrow().version();
    }

    @Override
    public void close() throws SQLException {
        engine.close();
    }
}
