package dev.pondhouse.server.cli;

import dev.pondhouse.server.config.ConfigLoader;
import dev.pondhouse.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The configuration options every configured command takes ({@code --config FILE}, repeatable
 * {@code --set SECTION.KEY=VALUE}), as a picocli mixin, and the loading they share: file, then
 * {@code PONDHOUSE_<SECTION>_<KEY>} environment variables, then {@code --set}.
 */
final class ConfigOptions {
    @Option(names = "--config", description = "YAML configuration file (see the README's configuration reference).")
    Optional<Path> config = Optional.empty();

    @Option(names = "--set", paramLabel = "SECTION.KEY=VALUE",
            description = "Override one configuration key, e.g. --set pipelines.threads=4. Repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /**
     * The configuration.
     *
     * @throws dev.pondhouse.server.config.ConfigException naming the key, value and reason
     */
    ServerConfig load() {
        return new ConfigLoader().load(config, System.getenv(), overrides);
    }
}
