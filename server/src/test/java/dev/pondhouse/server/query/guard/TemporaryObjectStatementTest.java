package dev.pondhouse.server.query.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.query.guard.TemporaryObjectStatement.Action;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemporaryObjectStatementTest {
    @Test
    void readsEveryAcceptedForm() {
        assertThat(TemporaryObjectStatement.parse("create temp view v as select 1"))
                .contains(new TemporaryObjectStatement(Action.CREATE_VIEW, "v", "v", false, false, " select 1"));
        assertThat(TemporaryObjectStatement.parse("CREATE OR REPLACE TEMPORARY TABLE temp.\"T x\" AS (select 1)"))
                .contains(new TemporaryObjectStatement(Action.CREATE_TABLE, "T x", "temp.\"T x\"", true, false, " (select 1)"));
        assertThat(TemporaryObjectStatement.parse("/* c */ create temp view if not exists Temp.Main.v\nas\nselect 1"))
                .contains(new TemporaryObjectStatement(Action.CREATE_VIEW, "v", "Temp.Main.v", false, true, "\nselect 1"));
        assertThat(TemporaryObjectStatement.parse("drop table if exists \"a\"\"b\";"))
                .contains(new TemporaryObjectStatement(Action.DROP_TABLE, "a\"b", "\"a\"\"b\"", false, true, ""));
        assertThat(TemporaryObjectStatement.parse("select 1")).isEmpty();
        assertThat(TemporaryObjectStatement.parse("with x as (select 1) select * from x")).isEmpty();
    }

    @Test
    void buildsTheStatementFromTheNameAndTheCheckedQuery() {
        TemporaryObjectStatement create = TemporaryObjectStatement.parse("create or replace temp view \"x\"\"; drop table y; --\" as select 1").orElseThrow();
        assertThat(create.statementToRun("SELECT 2"))
                .isEqualTo("CREATE OR REPLACE TEMPORARY VIEW temp.main.\"x\"\"; drop table y; --\" AS SELECT 2");
        TemporaryObjectStatement drop = TemporaryObjectStatement.parse("drop view v").orElseThrow();
        assertThat(drop.statementToRun("")).isEqualTo("DROP VIEW temp.main.\"v\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "create view v as select 1",
        "create temp view v(a) as select 1",
        "create temp view tpch.v as select 1",
        "create temp view pondhouse.main.v as select 1",
        "create temp view temp.tpch.v as select 1",
        "create or replace temp view if not exists v as select 1",
        "create temp view v as",
        "create temp view v select 1",
        "create temp macro m() as 1",
        "create temp sequence s",
        "create temporary view 'v' as select 1",
        "drop view tpch.v",
        "drop view v cascade",
        "drop view v; drop view w",
        "drop schema s",
        "drop macro m",
        "drop view",
    })
    void refusesEveryOtherCreateOrDrop(String sql) {
        assertThatThrownBy(() -> TemporaryObjectStatement.parse(sql)).isInstanceOf(StatementRefusal.class);
    }

    @Test
    void firstKeywordSkipsComments() {
        assertThat(SqlTokenizer.firstKeyword("-- x\n /* y /* nested */ */ copy t to 'x'")).isEqualTo(Optional.of("COPY"));
        assertThat(SqlTokenizer.firstKeyword("(select 1)")).isEmpty();
    }
}
