package dev.pondhouse.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    @TempDir
    Path folder;

    private Optional<Path> file(String yaml) throws Exception {
        Path file = folder.resolve("pondhouse.yaml");
        Files.writeString(file, yaml);
        return Optional.of(file);
    }

    @Test
    void defaultsNeedAnExplicitChoiceAboutTls() {
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(), Map.of("flight.port", "1234")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("flight.plaintext: true");
    }

    @Test
    void readsEveryKindOfValue() throws Exception {
        ServerConfig config = loader.load(file("""
                flight:
                  host: 0.0.0.0
                  port: 4000
                  plaintext: true
                lake:
                  root: /data/lake
                  catalog: lakehouse
                  default-schema: sales
                  refresh-interval: 5m
                query:
                  memory-per-query: 512MB
                  timeout: 90s
                sessions:
                  max: 10
                """), Map.of(), Map.of());

        assertThat(config.flight().host()).isEqualTo("0.0.0.0");
        assertThat(config.flight().port()).isEqualTo(4000);
        assertThat(config.lake().root()).isEqualTo(Path.of("/data/lake"));
        assertThat(config.lake().catalog()).isEqualTo("lakehouse");
        assertThat(config.lake().refreshInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.query().memoryPerQueryBytes()).isEqualTo(512_000_000L);
        assertThat(config.query().timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.sessions().max()).isEqualTo(10);
        assertThat(config.sessions().idleTimeout()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void readsPipelinesAndIngestSections() throws Exception {
        ServerConfig config = loader.load(file("""
                flight:
                  plaintext: true
                lake:
                  root: /data/lake
                pipelines:
                  directory: /etc/pondhouse/pipelines
                  threads: 3
                  memory-limit: 4GB
                ingest:
                  tables:
                    - table: sales.events
                      partition-by: [day]
                  folders:
                    - table: sales.events
                      source: /data/incoming/events
                      format: csv
                """), Map.of(), Map.of());

        assertThat(config.pipelines().directory()).contains(Path.of("/etc/pondhouse/pipelines"));
        assertThat(config.pipelines().threads()).isEqualTo(3);
        assertThat(config.pipelines().workDirectoryIn(config.lake())).isEqualTo(Path.of("/data/lake/_pondhouse-work"));
        assertThat(config.ingest().partitionBy("sales", "events")).containsExactly("day");
        assertThat(config.ingest().partitionBy("sales", "other")).isEmpty();
        assertThat(config.ingest().folders()).singleElement().satisfies(folder -> {
            assertThat(folder.source()).isEqualTo(Path.of("/data/incoming/events"));
            assertThat(folder.format()).isEqualTo("csv");
        });
        assertThatThrownBy(() -> loader.load(file("""
                ingest:
                  tables:
                    - table: events
                """), Map.of(), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a table name of the form schema.table");
    }

    @Test
    void flagsBeatEnvironmentBeatsFile() throws Exception {
        Optional<Path> file = file("flight:\n  plaintext: true\n  port: 1000\nsessions:\n  max: 5\n");
        ServerConfig config = loader.load(file,
                Map.of("PONDHOUSE_FLIGHT_PORT", "2000", "PONDHOUSE_SESSIONS_MAX", "7", "HOME", "/root"),
                Map.of("flight.port", "3000"));

        assertThat(config.flight().port()).isEqualTo(3000);
        assertThat(config.sessions().max()).isEqualTo(7);
    }

    @Test
    void environmentNamesMapToKebabCaseKeys() {
        ServerConfig config = loader.load(Optional.empty(),
                Map.of("PONDHOUSE_FLIGHT_PLAINTEXT", "true", "PONDHOUSE_LAKE_DEFAULT_SCHEMA", "tpch"), Map.of());

        assertThat(config.lake().defaultSchema()).isEqualTo("tpch");
    }

    @Test
    void unknownKeyIsNamedWithTheKnownOnes() throws Exception {
        Optional<Path> file = file("flight:\n  plaintext: true\n  prot: 1000\n");

        assertThatThrownBy(() -> loader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'flight.prot'")
                .hasMessageContaining("port");
    }

    @Test
    void unknownSectionIsAnError() throws Exception {
        Optional<Path> file = file("flight:\n  plaintext: true\nflihgt:\n  port: 1\n");

        assertThatThrownBy(() -> loader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'flihgt'");
    }

    @Test
    void badValuesNameKeyValueAndReason() throws Exception {
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\n  port: abc\n"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("flight.port")
                .hasMessageContaining("abc");
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\n  port: 70000\n"), Map.of(), Map.of()))
                .hasMessageContaining("flight.port: 70000 is not a TCP port");
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\nquery:\n  timeout: soon\n"), Map.of(), Map.of()))
                .hasMessageContaining("query.timeout")
                .hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\nquery:\n  memory-per-query: lots\n"), Map.of(), Map.of()))
                .hasMessageContaining("query.memory-per-query: 'lots' is not a size");
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\nlake:\n  catalog: \"my catalog\"\n"), Map.of(), Map.of()))
                .hasMessageContaining("lake.catalog: 'my catalog' is not a plain identifier");
    }

    @Test
    void malformedFilesAreReportedWithTheirName() throws Exception {
        Optional<Path> broken = file("flight: [unclosed\n");
        assertThatThrownBy(() -> loader.load(broken, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pondhouse.yaml is not valid YAML");
        Optional<Path> missing = Optional.of(folder.resolve("absent.yaml"));
        assertThatThrownBy(() -> loader.load(missing, Map.of(), Map.of()))
                .hasMessageContaining("absent.yaml does not exist");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(), Map.of("port", "1")))
                .hasMessageContaining("'port' is not a key of the form section.key");
    }

    @Test
    void tlsSettingsMustBeConsistent() {
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(), Map.of("flight.tls-certificate", "/c.pem")))
                .hasMessageContaining("flight.tls-certificate and flight.tls-key must be given together");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(),
                Map.of("flight.tls-certificate", "/c.pem", "flight.tls-key", "/k.pem", "flight.plaintext", "true")))
                .hasMessageContaining("choose one");
        ServerConfig tls = loader.load(Optional.empty(), Map.of(), Map.of("flight.tls-certificate", "/c.pem", "flight.tls-key", "/k.pem"));
        assertThat(tls.flight().tls()).isTrue();
    }

    @Test
    void durationsAcceptUnitsAndIso() {
        assertThat(ConfigLoader.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigLoader.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigLoader.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(ConfigLoader.parseDuration("0")).isEqualTo(Duration.ZERO);
        assertThat(ConfigLoader.parseDuration("PT15S")).isEqualTo(Duration.ofSeconds(15));
    }
}
