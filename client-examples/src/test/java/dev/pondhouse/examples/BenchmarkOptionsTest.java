package dev.pondhouse.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkOptionsTest {
    @TempDir
    Path lake;

    @BeforeEach
    void createTpchFolder() throws Exception {
        Files.createDirectories(lake.resolve("tpch"));
    }

    @Test
    void defaultsRunAllQueriesThreeTimesAfterOneWarmUp() {
        BenchmarkOptions options = BenchmarkOptions.parse("--lake", lake.toString());

        assertThat(options.queries()).containsExactlyElementsOf(IntStream.rangeClosed(1, 22).boxed().toList());
        assertThat(options.runs()).isEqualTo(3);
        assertThat(options.warmupRuns()).isEqualTo(1);
        assertThat(options.warmupStatements()).isEqualTo(4000);
        assertThat(options.fetch()).isTrue();
        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.embeddedThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void parsesQueryListsAndRanges() {
        BenchmarkOptions options = BenchmarkOptions.parse(
                "--lake", lake.toString(), "--queries", "1-3,15", "--runs", "1", "--warmup", "0", "--no-fetch",
                "--port", "4000", "--threads", "2", "--warmup-statements", "7");

        assertThat(options.queries()).containsExactly(1, 2, 3, 15);
        assertThat(options.runs()).isEqualTo(1);
        assertThat(options.warmupRuns()).isZero();
        assertThat(options.warmupStatements()).isEqualTo(7);
        assertThat(options.fetch()).isFalse();
        assertThat(options.port()).isEqualTo(4000);
        assertThat(options.embeddedThreads()).isEqualTo(2);
    }

    @Test
    void refusesBadInputWithTheOptionNamed() {
        assertThatThrownBy(() -> BenchmarkOptions.parse("--lake", lake.toString(), "--queries", "0,23"))
                .hasMessageContaining("--queries");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--lake", lake.toString(), "--runs", "many"))
                .hasMessageContaining("--runs must be a whole number");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--lake", lake.toString(), "--runs", "0"))
                .hasMessageContaining("--runs must be 1 to 100");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--lake", lake.toString(), "--warmup-statements", "-1"))
                .hasMessageContaining("--warmup-statements must be 0 to 1000000, not -1");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--lake", lake.toString(), "--color", "blue"))
                .hasMessageContaining("Unknown option --color");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--port", "4000"))
                .hasMessageContaining("--lake is required");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--lake", lake.resolve("missing").toString()))
                .hasMessageContaining("has no tpch folder");
    }

    @Test
    void neverPrintsThePassword() {
        BenchmarkOptions options = BenchmarkOptions.parse("--lake", lake.toString(), "--password", "s3cret-value");

        assertThat(options.toString()).doesNotContain("s3cret-value").contains("user=demo");
    }
}
