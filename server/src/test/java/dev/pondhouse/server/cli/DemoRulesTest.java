package dev.pondhouse.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's rule file loads against the TPC-H lake and shows its row filter, mask and hidden column. */
class DemoRulesTest {
    @TempDir
    Path folder;

    @Test
    void theDemoAnalystSeesWhatTheDemoPromises() throws Exception {
        Path rules = folder.resolve(DemoCommand.RULES_FILE);
        Files.writeString(rules, DemoCommand.DEMO_RULES);
        TestServer server = TestServer.start(Map.of("auth.rules-file", rules.toString()),
                Map.of("analyst", List.of("analyst")));
        try (Connection analyst = server.connect("analyst", "analyst"); Statement statement = analyst.createStatement()) {
            try (ResultSet result = statement.executeQuery(
                    "SELECT count(*), count(DISTINCT c_mktsegment), min(c_mktsegment), "
                            + "bool_and(c_phone LIKE '***-***-____') FROM customer")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getLong(1)).isPositive();
                assertThat(result.getLong(2)).isEqualTo(1);
                assertThat(result.getString(3)).isEqualTo("BUILDING");
                assertThat(result.getBoolean(4)).isTrue();
            }
            assertThatThrownBy(() -> statement.executeQuery("SELECT c_acctbal FROM customer").next())
                    .hasMessageContaining("c_acctbal");
            assertThatThrownBy(() -> statement.executeQuery("SELECT count(*) FROM supplier").next())
                    .hasMessageContaining("does not exist or you may not read it");
            try (ResultSet result = statement.executeQuery("SELECT count(*) FROM orders")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getLong(1)).isEqualTo(15000);
            }
        } finally {
            server.stop();
        }
    }
}
