package dev.pondhouse.server.query.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class NamePatternTest {

    @Test
    void aTrailingLoneEscapeBecomesALiteralBackslash() {
        assertThat(new NamePattern("a\\").likeOperand()).isEqualTo("a\\\\");
        assertThat(new NamePattern("a\\\\").likeOperand()).isEqualTo("a\\\\");
        assertThat(new NamePattern("a\\_b").likeOperand()).isEqualTo("a\\_b");
        assertThat(new NamePattern("").likeOperand()).isEmpty();
    }

    @Test
    void duckDbMatchesPatternsWithJdbcSemantics() throws SQLException {
        try (LakeDatabase database = LakeDatabase.open()) {
            assertThat(matches(database, "my_table", "my\\_table")).isTrue();
            assertThat(matches(database, "myxtable", "my\\_table")).isFalse();
            assertThat(matches(database, "myxtable", "my_table")).isTrue();
            assertThat(matches(database, "100%", "100\\%")).isTrue();
            assertThat(matches(database, "1000", "100\\%")).isFalse();
            assertThat(matches(database, "a\\", "a\\")).isTrue();
            assertThat(matches(database, "a\\b", "a\\\\b")).isTrue();
            assertThat(matches(database, "x' OR '1'='1", "x' OR '1'='1")).isTrue();
            assertThat(matches(database, "anything", "x' OR '1'='1")).isFalse();
        }
    }

    private static boolean matches(LakeDatabase database, String name, String pattern) throws SQLException {
        try (PreparedStatement statement = database.connection().prepareStatement("SELECT ? LIKE ? ESCAPE '\\'")) {
            statement.setString(1, name);
            statement.setString(2, new NamePattern(pattern).likeOperand());
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }
}
