package dev.pondhouse.server.cli;

import dev.pondhouse.server.config.ConfigException;
import dev.pondhouse.server.config.ServerConfig;
import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.pipeline.PipelineDefinition;
import dev.pondhouse.server.pipeline.PipelineDirectory;
import dev.pondhouse.server.pipeline.PipelineResult;
import dev.pondhouse.server.pipeline.PipelineRunner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pondhouse pipeline run NAME --config FILE}: runs one pipeline once, in batch mode, and exits
 * (for cron or a batch job): 0 when every step committed or was already applied, 1 when a step
 * failed or the run was stopped, 2 for bad configuration or a bad pipeline file.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Runs pipelines (SQL steps that write lake tables) without a server.",
        subcommands = PipelineCommand.Run.class)
public final class PipelineCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code pondhouse pipeline run}. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Runs the pipeline NAME (pipelines.directory/NAME.yaml) once against the lake and exits.",
                    "Exit code 0: every step committed or was already applied; 1: a step failed (named, with the",
                    "reason) or the run was interrupted; 2: bad configuration or pipeline file.",
                    "Running the same --run-id again skips the steps that committed and retries the rest."})
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "The pipeline's name (its file name without .yaml).")
        String name;

        @Mixin
        ConfigOptions configuration = new ConfigOptions();

        @Option(names = "--run-id", paramLabel = "NUMBER",
                description = "The run number recorded in each step's commit (default: the current time in"
                        + " milliseconds). Pass the same number to resume a failed run without repeating what committed.")
        Optional<Long> runId;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            ServerConfig loaded;
            try {
                loaded = configuration.load();
            } catch (ConfigException e) {
                System.err.println("pondhouse: " + e.getMessage());
                return 2;
            }
            if (loaded.pipelines().directory().isEmpty()) {
                System.err.println("pondhouse: pipelines.directory is not set; point it at the folder of pipeline files");
                return 2;
            }
            Path work = loaded.pipelines().workDirectoryFor(loaded.lake(), loaded.cache());
            long runNumber = runId.orElseGet(System::currentTimeMillis);
            AtomicBoolean stopping = new AtomicBoolean();
            Thread hook = new Thread(() -> stopping.set(true), "pipeline-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try (JobEngine engine = new JobEngine(loaded.pipelines().threads(), loaded.pipelines().memoryLimit(),
                    work.resolve("spill"));
                    CommandLake lake = CommandLake.open(loaded, work)) {
                engine.start();
                PipelineDefinition pipeline;
                try {
                    pipeline = new PipelineDirectory(loaded.pipelines().directory().get(), engine,
                            lake.containers().isPresent()).load(name);
                } catch (PondhouseException e) {
                    System.err.println("pondhouse: " + e.getMessage());
                    return 2;
                }
                out.println("Running pipeline " + pipeline.name() + " (" + pipeline.steps().size() + " steps) as run "
                        + runNumber + " on " + lake.lake());
                PipelineResult result = new PipelineRunner(engine, lake.lake(), lake.containers(), table -> {})
                        .run(pipeline, runNumber, stopping::get, (fraction, message) -> {});
                for (PipelineResult.StepResult step : result.steps()) {
                    out.printf("  %-24s %-32s %-15s %s%n", step.step(), step.table(), step.outcome(),
                            step.version().isPresent() ? "version " + step.version().getAsLong() + ", " + step.rowsWritten()
                                    + " rows, " + step.duration().toMillis() + " ms" : "");
                }
                result.failure().ifPresent(failure -> System.err.println("pondhouse: step " + failure.step() + " failed: "
                        + failure.reason()));
                out.printf("Pipeline %s %s in %.1f s%n", pipeline.name(), result.status().name().toLowerCase(),
                        result.duration().toMillis() / 1000.0);
                return result.succeeded() ? 0 : 1;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The JVM is already stopping: the hook has run.
                }
            }
        }
    }
}
