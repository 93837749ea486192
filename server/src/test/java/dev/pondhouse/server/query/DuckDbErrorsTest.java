package dev.pondhouse.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DuckDbErrorsTest {
    @Test
    void usersMistakesKeepDuckDbsMessage() {
        PondhouseException parser = DuckDbErrors.classify(new SQLException("Parser Error: syntax error at or near \"SELEC\""));
        PondhouseException catalog = DuckDbErrors.classify(new SQLException("Catalog Error: Table with name nope does not exist!"));

        assertThat(parser.kind()).isEqualTo(ErrorKind.USER_ERROR);
        assertThat(parser).hasMessage("Parser Error: syntax error at or near \"SELEC\"");
        assertThat(catalog.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(DuckDbErrors.classify(new SQLException("INTERRUPT Error: Interrupted!")).kind()).isEqualTo(ErrorKind.CANCELLED);
        assertThat(DuckDbErrors.classify(new SQLException("Out of Memory Error: could not allocate")).kind())
                .isEqualTo(ErrorKind.RESOURCE_EXHAUSTED);
        assertThat(DuckDbErrors.classify(new SQLException("FATAL Error: something broke")).kind()).isEqualTo(ErrorKind.INTERNAL);
    }

    @Test
    void findsDuckDbsErrorInsideAStreamFailure() {
        IOException wrapped = new IOException("Failed to read the next batch",
                new IllegalStateException("CDataJniException{errno=5, message=Invalid Input Error: boom}"));

        assertThat(DuckDbErrors.fromStreamFailure(wrapped)).hasValueSatisfying(error -> {
            assertThat(error.kind()).isEqualTo(ErrorKind.USER_ERROR);
            assertThat(error).hasMessage("Invalid Input Error: boom");
        });
        assertThat(DuckDbErrors.fromStreamFailure(new IOException("connection reset"))).isEmpty();
    }

    @Test
    void aLakeFileThatIsGoneIsUnavailableWithoutItsPath() {
        SQLException missing = new SQLException("IO Error: No files found that match the pattern \"/lake/shop/items/part-1.parquet\"");
        SQLException unopenable = new SQLException("IO Error: Cannot open file \"/lake/shop/items/part-2.parquet\": No such file or directory");

        for (SQLException error : List.of(missing, unopenable)) {
            PondhouseException classified = DuckDbErrors.classify(error);
            assertThat(classified).isInstanceOf(DuckDbErrors.LakeFileGone.class).hasCause(error);
            assertThat(classified.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
            assertThat(classified.getMessage()).contains("removed or replaced since the lake was last refreshed")
                    .doesNotContain("/lake/");
        }
        assertThat(DuckDbErrors.classify(new SQLException("IO Error: Could not write file: disk full")).kind())
                .isEqualTo(ErrorKind.INTERNAL);
        assertThat(DuckDbErrors.classify(new SQLException(
                "IO Error: Cannot open file \"/spill/duckdb_temp_storage_DEFAULT-0.tmp\": No such file or directory")).kind())
                .as("a spill file is not a lake file").isEqualTo(ErrorKind.INTERNAL);
    }
}
