package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The guard's hostile corpus end to end: every statement that must be refused for every user is
 * sent through the JDBC driver by a user who may read every table, aimed at a folder inside the lake
 * (which the engine itself may write to). Each is refused: the audit log records a denial for it
 * (or DuckDB's parser rejects it), nothing appears anywhere in the lake, and the server and the
 * connection stay healthy.
 */
class HostileStatementsJdbcTest {
    private static final String CORPUS = "/dev/pondhouse/server/query/guard/hostile-statements.txt";
    private static final Pattern FILTERED_LISTING = Pattern.compile(
            "from\\s+((system\\.)?information_schema\\.(tables|views|columns|schemata)\\b"
                    + "|duckdb_(tables|views|columns|schemas|databases)\\(\\))", Pattern.CASE_INSENSITIVE);

    @Test
    void everyHostileStatementIsRefusedAndLeavesNoTrace() throws Exception {
        Path audit = Files.createTempFile("pondhouse-audit", ".jsonl");
        TestServer server = TestServer.start(Map.of("audit.file", audit.toString()));
        try {
            Path target = Files.createDirectories(server.lake().resolve("_hostile_target"));
            List<String> before = listing(server.lake());
            List<String> statements = corpus(target);
            assertThat(statements).hasSizeGreaterThanOrEqualTo(50);
            List<String> notRefused = new ArrayList<>();
            try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    long denialsBefore = denials(audit);
                    try {
                        statement.execute(sql);
                        notRefused.add(sql);
                    } catch (SQLException e) {
                        boolean syntaxError = e.getMessage().contains("Parser Error");
                        if (!syntaxError && denials(audit) != denialsBefore + 1) {
                            notRefused.add(sql + " -> failed without a denial: " + e.getMessage());
                        }
                    }
                }
                assertThat(notRefused).as("statements not refused by the guard").isEmpty();
                try (ResultSet result = statement.executeQuery("SELECT count(*) FROM nation")) {
                    assertThat(result.next()).isTrue();
                    assertThat(result.getLong(1)).isEqualTo(25);
                }
            }
            assertThat(listing(target)).as("files written into the target folder").containsExactly(target.toString());
            assertThat(listing(server.lake())).as("the lake after the corpus").isEqualTo(before);
        } finally {
            server.stop();
            Files.deleteIfExists(server.lake().resolve("_hostile_target"));
            Files.deleteIfExists(audit);
        }
    }

    /** The statements refused for everyone, with {@code ${dir}} pointing at {@code target}. */
    private static List<String> corpus(Path target) throws IOException {
        String text;
        try (InputStream input = HostileStatementsJdbcTest.class.getResourceAsStream(CORPUS)) {
            assertThat(input).as(CORPUS).isNotNull();
            text = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> statements = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\|", 3);
            // The server answers these listings from views filtered to the user (AccessRulesJdbcTest);
            // the guard alone, with no such views, refuses them.
            if (parts[1].trim().equals("everyone") && !FILTERED_LISTING.matcher(parts[2]).find()) {
                statements.add(parts[2].trim().replace("${dir}", target.toString()));
            }
        }
        return statements;
    }

    /** Denials recorded so far in the audit log, which is written before the client gets its answer. */
    private static long denials(Path audit) throws IOException {
        try (Stream<String> lines = Files.lines(audit)) {
            return lines.filter(line -> line.contains("\"event\":\"denied\"")).count();
        }
    }

    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.map(Path::toString).sorted().toList();
        }
    }
}
