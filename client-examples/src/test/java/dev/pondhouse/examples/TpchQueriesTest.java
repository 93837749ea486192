package dev.pondhouse.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TpchQueriesTest {
    @Test
    void loadsAll22QueriesAsSingleSelects() {
        List<TpchQueries.TpchQuery> queries =
                TpchQueries.load(IntStream.rangeClosed(1, 22).boxed().toList());

        assertThat(queries).extracting(TpchQueries.TpchQuery::number)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 22).boxed().toList());
        assertThat(queries).allSatisfy(query -> {
            assertThat(query.sql()).doesNotContain(";").doesNotContain("-- database");
            assertThat(query.sql().strip()).matches("(?is)^(SELECT|WITH)\\b.*");
        });
    }

    @Test
    void query15ViewBecomesACommonTableExpression() {
        String sql = TpchQueries.load(15).sql();

        assertThat(sql).startsWith("WITH revenue AS (").doesNotContainIgnoringCase("CREATE");
        assertThat(sql).containsIgnoringCase("FROM\n    lineitem").containsIgnoringCase("max(total_revenue)");
    }

    @Test
    void rewritesAViewAndSelectIntoOneStatement() {
        assertThat(TpchQueries.asSingleSelect("CREATE OR REPLACE VIEW v AS SELECT 1 AS x;\nSELECT x FROM v;"))
                .isEqualTo("WITH v AS (\nSELECT 1 AS x\n)\nSELECT x FROM v");
        assertThat(TpchQueries.asSingleSelect("SELECT 1;")).isEqualTo("SELECT 1");
    }

    @Test
    void refusesOtherScriptsWithSeveralStatements() {
        assertThatThrownBy(() -> TpchQueries.asSingleSelect("SELECT 1; SELECT 2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Expected one statement");
    }

    @Test
    void labelsArePaddedAndNumbersChecked() {
        assertThat(TpchQueries.load(7).label()).isEqualTo("q07");
        assertThatThrownBy(() -> new TpchQueries.TpchQuery(23, "SELECT 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 22");
    }
}
