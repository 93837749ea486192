package dev.pondhouse.server.cli;

import dev.pondhouse.server.config.ConfigException;
import dev.pondhouse.server.config.ServerConfig;
import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.ingest.FolderIngest;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.pipeline.JobProgress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code pondhouse ingest-folder TABLE --config FILE}: appends the new files of the folder that
 * {@code ingest.folders} names for TABLE, once, and exits (for cron, e.g. every five minutes).
 */
@Command(name = "ingest-folder", mixinStandardHelpOptions = true,
        description = {"Appends the files that arrived in the folder configured for TABLE (ingest.folders) since the",
                "last run, each file once and only once (the table records which files it holds), and exits.",
                "Exit code 0: done (perhaps nothing new); 1: the append failed (run again; nothing is lost or",
                "doubled); 2: bad configuration."})
public final class IngestFolderCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TABLE", description = "The table, schema.table, as in ingest.folders.")
    String table;

    @Mixin
    ConfigOptions configuration = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
        ServerConfig loaded;
        try {
            loaded = configuration.load();
        } catch (ConfigException e) {
            System.err.println("pondhouse: " + e.getMessage());
            return 2;
        }
        Optional<FolderIngest.Source> configured = FolderIngest.Source.configured(loaded.ingest(), table);
        if (configured.isEmpty()) {
            System.err.println("pondhouse: ingest.folders has no entry for table " + table);
            return 2;
        }
        FolderIngest.Source source = configured.get();
        LakeTableName name = source.table();
        Path work = loaded.pipelines().workDirectoryFor(loaded.lake(), loaded.cache());
        try (JobEngine engine = new JobEngine(loaded.pipelines().threads(), loaded.pipelines().memoryLimit(),
                work.resolve("spill"));
                CommandLake lake = CommandLake.openWriteOnly(loaded, work)) {
            engine.start();
            FolderIngest.Result result;
            try {
                result = new FolderIngest(engine, lake.lake(), committed -> {}).run(source, () -> false, JobProgress.NONE);
            } catch (RuntimeException | java.io.IOException | java.sql.SQLException e) {
                System.err.println("pondhouse: ingest into " + name + " failed: " + e.getMessage());
                return 1;
            }
            System.out.printf("%s: %d new files appended (%d rows)%s, %d already ingested%n", name,
                    result.filesAppended(), result.rowsAppended(),
                    result.version().isPresent() ? ", version " + result.version().getAsLong() : "",
                    result.filesAlreadyIngested());
            return 0;
        }
    }
}
