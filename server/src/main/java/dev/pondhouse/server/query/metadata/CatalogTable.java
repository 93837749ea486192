package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

/** A table or view found in DuckDB's catalog, with the type Pondhouse reports for it. */
record CatalogTable(TableName name, TableType type) {

    CatalogTable {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }

    /** Session temporary tables are the only objects clients may write to. */
    boolean isReadOnly() {
        return type != TableType.LOCAL_TEMPORARY;
    }
}
