package dev.pondhouse.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import java.io.IOException;
import java.sql.SQLException;
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
}
