package dev.pondhouse.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SideBySideTimerTest {
    private final List<String> calls = new ArrayList<>();

    private QuerySide side(String name, ResultDigest result) {
        return new QuerySide(name, sql -> {
            calls.add(name + ":" + sql);
            return result;
        });
    }

    @Test
    void sidesTakeTurnsInRotatingOrderAndWarmUpIsNotTimed() {
        ResultDigest result = new ResultDigest(3, 2, 6, 17);
        List<QuerySide> sides = List.of(side("a", result), side("b", result), side("c", result));

        List<Measurement> measurements = new SideBySideTimer(1, 2).measure("q01", "SELECT 1", sides);

        assertThat(calls).containsExactly(
                "a:SELECT 1", "b:SELECT 1", "c:SELECT 1",
                "b:SELECT 1", "c:SELECT 1", "a:SELECT 1",
                "c:SELECT 1", "a:SELECT 1", "b:SELECT 1");
        assertThat(measurements).extracting(Measurement::side).containsExactly("a", "b", "c");
        assertThat(measurements).allSatisfy(measurement -> {
            assertThat(measurement.runNanos()).hasSize(2);
            assertThat(measurement.digest()).isEqualTo(result);
        });
    }

    @Test
    void failsWhenSidesReadDifferentResults() {
        List<QuerySide> sides = List.of(
                side("server", new ResultDigest(4, 2, 8, 1)), side("embedded", new ResultDigest(5, 2, 10, 1)));

        assertThatThrownBy(() -> new SideBySideTimer(0, 1).measure("q07", "SELECT 7", sides))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("q07: embedded read 5 rows")
                .hasMessageContaining("but server read 4 rows");
    }

    @Test
    void hashesMayDifferBetweenJdbcAndArrowReaders() {
        List<QuerySide> sides = List.of(
                side("jdbc", new ResultDigest(4, 2, 8, 1)), side("arrow", new ResultDigest(4, 2, 8, 99)));

        assertThat(new SideBySideTimer(0, 1).measure("fetch", "SELECT *", sides)).hasSize(2);
    }

    @Test
    void namesTheQueryAndSideWhenARunFails() {
        QuerySide failing = new QuerySide("server JDBC", sql -> {
            throw new java.sql.SQLException("Catalog Error: Table with name lineitem does not exist!");
        });

        assertThatThrownBy(() -> new SideBySideTimer(0, 1).measure("q01", "SELECT 1", List.of(failing)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("q01 failed on server JDBC: Catalog Error")
                .hasCauseInstanceOf(java.sql.SQLException.class);
    }

    @Test
    void medianOfOddAndEvenRunCounts() {
        ResultDigest digest = new ResultDigest(1, 1, 1, 1);

        assertThat(new Measurement("a", List.of(5_000_000L, 1_000_000L, 3_000_000L), digest).medianMillis())
                .isEqualTo(3.0);
        assertThat(new Measurement("a", List.of(4_000_000L, 1_000_000L, 2_000_000L, 3_000_000L), digest).medianMillis())
                .isEqualTo(2.5);
    }
}
