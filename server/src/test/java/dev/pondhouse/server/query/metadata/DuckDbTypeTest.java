package dev.pondhouse.server.query.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DuckDbTypeTest {

    @Test
    void parsesScalarsIncludingMultiWordAndQuotedNames() {
        assertThat(DuckDbType.parse("INTEGER")).isEqualTo(new DuckDbType.Scalar("INTEGER"));
        assertThat(DuckDbType.parse("TIMESTAMP WITH TIME ZONE"))
                .isEqualTo(new DuckDbType.Scalar("TIMESTAMP WITH TIME ZONE"));
        assertThat(DuckDbType.parse("\"NULL\"")).isEqualTo(new DuckDbType.Scalar("NULL"));
        assertThat(DuckDbType.parse("GEOMETRY('OGC:CRS84')")).isEqualTo(new DuckDbType.Scalar("GEOMETRY"));
    }

    @Test
    void parsesDecimalAndEnum() {
        assertThat(DuckDbType.parse("DECIMAL(15,2)")).isEqualTo(new DuckDbType.Decimal(15, 2));
        assertThat(DuckDbType.parse("ENUM('a', 'it''s', ')')")).isEqualTo(new DuckDbType.Enumeration(3));
    }

    @Test
    void parsesNestedTypes() {
        DuckDbType type = DuckDbType.parse("STRUCT(\"a b\" TIMESTAMP WITH TIME ZONE, \"c\"\"d\" MAP(VARCHAR, INTEGER[]))[3][]");

        assertThat(type).isEqualTo(new DuckDbType.ListOf(new DuckDbType.ArrayOf(new DuckDbType.Struct(List.of(
                new DuckDbType.Member("a b", new DuckDbType.Scalar("TIMESTAMP WITH TIME ZONE")),
                new DuckDbType.Member("c\"d", new DuckDbType.MapOf(new DuckDbType.Scalar("VARCHAR"),
                        new DuckDbType.ListOf(new DuckDbType.Scalar("INTEGER")))))), 3)));
        assertThat(DuckDbType.parse("UNION(num INTEGER, str VARCHAR)")).isEqualTo(new DuckDbType.Union(List.of(
                new DuckDbType.Member("num", new DuckDbType.Scalar("INTEGER")),
                new DuckDbType.Member("str", new DuckDbType.Scalar("VARCHAR")))));
    }

    @Test
    void rejectsMalformedText() {
        assertThatThrownBy(() -> DuckDbType.parse("STRUCT(a INTEGER")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DuckDbType.parse("INTEGER[x]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DuckDbType.parse("ENUM('a)")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DuckDbType.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DuckDbType.parse("INTEGER) x")).isInstanceOf(IllegalArgumentException.class);
    }
}
