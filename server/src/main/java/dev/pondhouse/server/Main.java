package dev.pondhouse.server;

import dev.pondhouse.server.cli.DemoCommand;
import dev.pondhouse.server.cli.HashPasswordCommand;
import dev.pondhouse.server.cli.IngestFolderCommand;
import dev.pondhouse.server.cli.PipelineCommand;
import dev.pondhouse.server.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pondhouse <command>}: the launcher's entry point. */
@Command(name = "pondhouse", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A small-data lakehouse: Parquet tables served over Arrow Flight SQL by DuckDB.",
        subcommands = {DemoCommand.class, ServeCommand.class, PipelineCommand.class, IngestFolderCommand.class,
                HashPasswordCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"pondhouse " + (version == null ? "development" : version)};
        }
    }
}
