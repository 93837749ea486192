package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.testing.TestServer;
import dev.pondhouse.server.testing.TpchAnswers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The 22 TPC-H queries at scale factor 0.01 through the Flight SQL JDBC driver, against the shipped answers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TpchJdbcTest {
    private Connection connection;

    @BeforeAll
    void connect() {
        connection = TestServer.shared().connect();
    }

    @AfterAll
    void disconnect() throws Exception {
        connection.close();
    }

    static IntStream queries() {
        return TpchAnswers.queryNumbers();
    }

    @ParameterizedTest(name = "q{0}")
    @MethodSource("queries")
    void answersTpchQuery(int number) throws Exception {
        List<String> statements = TpchAnswers.statements(number);
        try (Statement statement = connection.createStatement()) {
            for (String setup : statements.subList(0, statements.size() - 1)) {
                statement.execute(setup);
            }
            try (ResultSet result = statement.executeQuery(statements.get(statements.size() - 1))) {
                TpchAnswers.assertAnswer(number, TpchAnswers.rows(result));
            }
        }
    }

    @Test
    void unqualifiedNamesResolveToTheDefaultSchema() throws Exception {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT (SELECT count(*) FROM lineitem), (SELECT count(*) FROM pondhouse.tpch.nation), current_schema()")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getLong(1)).isEqualTo(60_175);
            assertThat(result.getLong(2)).isEqualTo(25);
            assertThat(result.getString(3)).isEqualTo("tpch");
        }
    }
}
