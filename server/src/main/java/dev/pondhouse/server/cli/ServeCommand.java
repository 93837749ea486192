package dev.pondhouse.server.cli;

import dev.pondhouse.security.ShiroUserAuthenticator;
import dev.pondhouse.security.UsersFileWatcher;
import java.time.Duration;
import dev.pondhouse.security.UserAuthenticator;
import dev.pondhouse.server.PondhouseServer;
import dev.pondhouse.server.config.ConfigException;
import dev.pondhouse.server.config.ConfigLoader;
import dev.pondhouse.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pondhouse serve --config FILE}: runs a configured server. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs a configured server until stopped (SIGTERM or Ctrl-C stops it gracefully).",
                "Configuration: YAML file, then PONDHOUSE_<SECTION>_<KEY> environment variables, then --set options."})
public final class ServeCommand implements Callable<Integer> {
    private static final Duration USERS_POLL_INTERVAL = Duration.ofSeconds(5);

    @Option(names = "--config", description = "YAML configuration file (see the README's configuration reference).")
    Optional<Path> config;

    @Option(names = "--set", paramLabel = "SECTION.KEY=VALUE",
            description = "Override one configuration key, e.g. --set flight.port=31338. Repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        ServerConfig loaded;
        try {
            loaded = new ConfigLoader().load(config, System.getenv(), overrides);
        } catch (ConfigException e) {
            System.err.println("pondhouse: " + e.getMessage());
            return 2;
        }
        if (loaded.auth().usersFile().isEmpty()) {
            System.err.println("pondhouse: auth.users-file is not set; create one with 'pondhouse hash-password' "
                    + "(see the README's security chapter)");
            return 2;
        }
        Path usersFile = loaded.auth().usersFile().get();
        ShiroUserAuthenticator users = ShiroUserAuthenticator.fromIniFile(usersFile);
        try (UsersFileWatcher watcher = new UsersFileWatcher(usersFile, users, USERS_POLL_INTERVAL)) {
            watcher.start();
            PondhouseServer server = new PondhouseServer(loaded, users);
            server.start();
            System.out.println("Pondhouse is serving Flight SQL on " + loaded.flight().host() + ":" + server.port());
            ServerRunner.runUntilStopped(server);
        }
        return 0;
    }
}
