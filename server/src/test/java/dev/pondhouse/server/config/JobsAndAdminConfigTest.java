package dev.pondhouse.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.lake.LakeTableName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobsAndAdminConfigTest {
    private final ConfigLoader loader = new ConfigLoader();

    @TempDir
    Path folder;

    private ServerConfig load(String yaml) throws Exception {
        Path file = folder.resolve("pondhouse.yaml");
        Files.writeString(file, "flight:\n  plaintext: true\n" + yaml);
        return loader.load(Optional.of(file), Map.of(), Map.of());
    }

    @Test
    void defaults() throws Exception {
        ServerConfig config = load("");

        assertThat(config.jobs().workers()).isEqualTo(2);
        assertThat(config.jobs().historySize()).isEqualTo(1000);
        assertThat(config.jobs().historyFolder()).isEqualTo(Path.of("pondhouse-jobs"));
        assertThat(config.jobs().shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.jobs().zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(config.jobs().schedules()).isEmpty();
        assertThat(config.admin().enabled()).isTrue();
        assertThat(config.admin().host()).isEqualTo("127.0.0.1");
        assertThat(config.admin().port()).isEqualTo(31338);
        assertThat(config.admin().role()).isEqualTo("admin");
        assertThat(config.admin().metricsNeedLogin()).isFalse();
    }

    @Test
    void readsSchedulesWithTablesAndParameters() throws Exception {
        ServerConfig config = load("""
                jobs:
                  workers: 4
                  time-zone: Europe/Berlin
                  shutdown-timeout: 2m
                  schedules:
                    - job: refresh
                      cron: "*/5 * * * *"
                    - job: compact
                      table: tpch.orders
                      cron: "0 3 * * *"
                      params:
                        target-file-size: 128MB
                        dry-run: true
                admin:
                  port: 0
                  role: operators
                """);

        assertThat(config.jobs().workers()).isEqualTo(4);
        assertThat(config.jobs().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(config.jobs().schedules()).hasSize(2);
        Schedule compact = config.jobs().schedules().get(1);
        assertThat(compact.job()).isEqualTo("compact");
        assertThat(compact.tableName()).contains(LakeTableName.parse("tpch.orders"));
        assertThat(compact.params()).containsEntry("target-file-size", "128MB").containsEntry("dry-run", true);
        assertThat(compact.cronSchedule(config.jobs().zone()).expression()).isEqualTo("0 3 * * *");
        assertThat(config.jobs().schedules().get(0).tableName()).isEmpty();
        assertThat(config.admin().port()).isZero();
        assertThat(config.admin().role()).isEqualTo("operators");
    }

    @Test
    void environmentAndFlagsSetAdminKeys() {
        ServerConfig config = loader.load(Optional.empty(), Map.of("PONDHOUSE_FLIGHT_PLAINTEXT", "true",
                "PONDHOUSE_ADMIN_PORT", "9000", "PONDHOUSE_JOBS_HISTORY_FOLDER", "/var/lib/pondhouse/jobs"),
                Map.of("admin.enabled", "false"));

        assertThat(config.admin().port()).isEqualTo(9000);
        assertThat(config.admin().enabled()).isFalse();
        assertThat(config.jobs().historyFolder()).isEqualTo(Path.of("/var/lib/pondhouse/jobs"));
    }

    @Test
    void badSchedulesNameTheEntryAndTheReason() {
        assertThatThrownBy(() -> load("jobs:\n  schedules:\n    - job: refresh\n      cron: \"*/5 * * *\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobs.schedules[0].cron: '*/5 * * *' is not a cron expression of five fields");
        assertThatThrownBy(() -> load("jobs:\n  schedules:\n    - job: refresh\n      cron: \"0 3 * * *\"\n    - cron: \"0 3 * * *\"\n"))
                .hasMessageContaining("jobs.schedules[1].job is missing");
        assertThatThrownBy(() -> load("jobs:\n  schedules:\n    - job: refresh\n"))
                .hasMessageContaining("jobs.schedules[0].cron is missing");
        assertThatThrownBy(() -> load("jobs:\n  schedules:\n    - job: compact\n      table: orders\n      cron: \"0 3 * * *\"\n"))
                .hasMessageContaining("jobs.schedules[0].table: 'orders' is not a table name of the form schema.table");
        assertThatThrownBy(() -> load("jobs:\n  schedules:\n    - job: refresh\n      cron: \"0 3 * * *\"\n      when: daily\n"))
                .hasMessageContaining("unknown key").hasMessageContaining("when");
        assertThatThrownBy(() -> load("jobs:\n  time-zone: Mars/Olympus\n"))
                .hasMessageContaining("jobs.time-zone: 'Mars/Olympus' is not a time zone");
        assertThatThrownBy(() -> load("jobs:\n  workers: 0\n")).hasMessageContaining("jobs.workers: 0 must be at least 1");
        assertThatThrownBy(() -> load("admin:\n  port: 99999\n")).hasMessageContaining("admin.port: 99999 is not a TCP port");
    }
}
