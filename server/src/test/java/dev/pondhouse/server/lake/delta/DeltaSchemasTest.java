package dev.pondhouse.server.lake.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeltaSchemasTest {
    @Test
    void mapsDuckDbTypesToDeltaTypes() {
        String schema = DeltaSchemas.schemaString(List.of(
                new DeltaSchemas.Column("id", "BIGINT"),
                new DeltaSchemas.Column("price", "DECIMAL(15,2)"),
                new DeltaSchemas.Column("day", "DATE"),
                new DeltaSchemas.Column("at", "TIMESTAMP"),
                new DeltaSchemas.Column("name", "VARCHAR")));

        assertThat(schema).isEqualTo("{\"type\":\"struct\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
                + "{\"name\":\"price\",\"type\":\"decimal(15,2)\",\"nullable\":true,\"metadata\":{}},"
                + "{\"name\":\"day\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}},"
                + "{\"name\":\"at\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},"
                + "{\"name\":\"name\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}");
    }

    @Test
    void refusesTypesWithoutADeltaEquivalentNamingColumnAndType() {
        assertThatThrownBy(() -> DeltaSchemas.schemaString(List.of(new DeltaSchemas.Column("big", "HUGEINT"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column big has type HUGEINT")
                .hasMessageContaining("cast it");
        assertThatThrownBy(() -> DeltaSchemas.schemaString(List.of(new DeltaSchemas.Column("key", "UUID"))))
                .hasMessageContaining("column key has type UUID");
    }
}
