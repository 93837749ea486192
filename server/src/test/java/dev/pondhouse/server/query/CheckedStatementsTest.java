package dev.pondhouse.server.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CheckedStatementsTest {
    // Checked statements answer for the very access object they were checked under.
    private final Object access = new Object();
    private final Object newerAccess = new Object();

    @Test
    void answersOnlyForTheSameTextAndTheSameAccess() {
        CheckedStatements<Object> checked = new CheckedStatements<>(4);
        StatementAuthorizer.Authorized query = query("SELECT 1");
        checked.remember("SELECT 1", access, query);

        assertThat(checked.find("SELECT 1", access)).contains(query);
        assertThat(checked.find("SELECT 1 ", access)).isEmpty();
        assertThat(checked.find("SELECT 1", newerAccess)).isEmpty();
    }

    @Test
    void keepsNoStatementThatChangesTheSessionAndNoVeryLongText() {
        CheckedStatements<Object> checked = new CheckedStatements<>(4);
        checked.remember("USE tpch", access, new StatementAuthorizer.Authorized("USE tpch", List.of(), 1, true));
        String longText = "SELECT " + "1 + ".repeat(CheckedStatements.MAXIMUM_TEXT_LENGTH / 4) + "1";
        checked.remember(longText, access, query(longText));

        assertThat(checked.size()).isZero();
    }

    @Test
    void forgetsEverythingAndDropsTheLeastRecentlyUsedBeyondItsCapacity() {
        CheckedStatements<Object> checked = new CheckedStatements<>(2);
        checked.remember("SELECT 1", access, query("SELECT 1"));
        checked.remember("SELECT 2", access, query("SELECT 2"));
        checked.find("SELECT 1", access);
        checked.remember("SELECT 3", access, query("SELECT 3"));

        assertThat(checked.find("SELECT 2", access)).isEmpty();
        assertThat(checked.find("SELECT 1", access)).isPresent();
        assertThat(checked.find("SELECT 3", access)).isPresent();

        checked.forget();
        assertThat(checked.size()).isZero();
        assertThatThrownBy(() -> new CheckedStatements<>(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static StatementAuthorizer.Authorized query(String sql) {
        return new StatementAuthorizer.Authorized(sql, List.of("tpch.nation"), 1, false);
    }
}
