package dev.pondhouse.server.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class CheckedStatementsTest {
    // Checked statements answer for the very access object they were checked under.
    private final Object access = new Object();
    private final Object newerAccess = new Object();

    @Test
    void answersOnlyForTheSameTextAndTheSameAccess() {
        CheckedStatements<Object> checked = new CheckedStatements<>(4, 1_000_000);
        StatementAuthorizer.Authorized query = query("SELECT 1");
        checked.remember("SELECT 1", access, query);

        assertThat(checked.find("SELECT 1", access)).contains(query);
        assertThat(checked.find("SELECT 1 ", access)).isEmpty();
        assertThat(checked.find("SELECT 1", newerAccess)).isEmpty();
    }

    @Test
    void keepsNoStatementThatChangesTheSessionAndNoVeryLongText() {
        CheckedStatements<Object> checked = new CheckedStatements<>(4, 1_000_000);
        checked.remember("USE tpch", access, new StatementAuthorizer.Authorized("USE tpch", List.of(), 1, true));
        String longText = "SELECT " + "1 + ".repeat(CheckedStatements.MAXIMUM_TEXT_LENGTH / 4) + "1";
        checked.remember(longText, access, query(longText));

        assertThat(checked.size()).isZero();
    }

    @Test
    void forgetsEverythingAndDropsTheLeastRecentlyUsedBeyondItsCapacity() {
        CheckedStatements<Object> checked = new CheckedStatements<>(2, 1_000_000);
        checked.remember("SELECT 1", access, query("SELECT 1"));
        checked.remember("SELECT 2", access, query("SELECT 2"));
        checked.find("SELECT 1", access);
        checked.remember("SELECT 3", access, query("SELECT 3"));

        assertThat(checked.find("SELECT 2", access)).isEmpty();
        assertThat(checked.find("SELECT 1", access)).isPresent();
        assertThat(checked.find("SELECT 3", access)).isPresent();

        checked.forget();
        assertThat(checked.size()).isZero();
        assertThat(checked.characters()).isZero();
        assertThatThrownBy(() -> new CheckedStatements<>(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CheckedStatements<>(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keepsItsTextWithinTheCharacterBudget() {
        // Each entry counts its text twice (the client's and the text to run): 2 x 10 characters.
        CheckedStatements<Object> checked = new CheckedStatements<>(100, 50);
        checked.remember("SELECT 101", access, query("SELECT 101"));
        checked.remember("SELECT 102", access, query("SELECT 102"));
        assertThat(checked.characters()).isEqualTo(40);
        checked.remember("SELECT 103", access, query("SELECT 103"));

        assertThat(checked.size()).isEqualTo(2);
        assertThat(checked.characters()).isEqualTo(40);
        assertThat(checked.find("SELECT 101", access)).isEmpty();
        checked.remember("SELECT 103", access, query("SELECT 103"));
        assertThat(checked.characters()).isEqualTo(40);
    }

    @Test
    void remembersShapesOnlyForTheDecisionItHandedOutAndTheSameLakeVersion() {
        CheckedStatements<Object> checked = new CheckedStatements<>(4, 1_000_000);
        StatementAuthorizer.Authorized decision = query("SELECT 1 AS one");
        QueryShape shape = new QueryShape(new Schema(List.of(Field.nullable("one", new ArrowType.Int(32, true)))),
                new Schema(List.of()));
        checked.rememberShape("SELECT 1 AS one", decision, 7, shape);
        assertThat(checked.shape("SELECT 1 AS one", decision, 7)).as("not remembered as a query yet").isEmpty();

        checked.remember("SELECT 1 AS one", access, decision);
        checked.rememberShape("SELECT 1 AS one", decision, 7, shape);

        assertThat(checked.shape("SELECT 1 AS one", decision, 7)).contains(shape);
        assertThat(checked.shape("SELECT 1 AS one", decision, 8)).isEmpty();
        assertThat(checked.shape("SELECT 1 AS one", query("SELECT 1 AS one"), 7)).isEmpty();
        assertThat(checked.find("SELECT 1 AS one", access)).contains(decision);
    }

    private static StatementAuthorizer.Authorized query(String sql) {
        return new StatementAuthorizer.Authorized(sql, List.of("tpch.nation"), 1, false);
    }
}
