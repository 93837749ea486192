package dev.pondhouse.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class CommandLineHelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"demo", "serve", "pipeline", "ingest-folder", "hash-password"})
    void everySubcommandHasHelp(String subcommand) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = new CommandLine(new Main()).setOut(new PrintWriter(out));

        int exit = commandLine.execute(subcommand, "--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("Usage: pondhouse " + subcommand);
    }

    @org.junit.jupiter.api.Test
    void topLevelHelpListsSubcommands() {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new Main()).setOut(new PrintWriter(out)).execute("--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("demo", "serve", "hash-password");
    }
}
