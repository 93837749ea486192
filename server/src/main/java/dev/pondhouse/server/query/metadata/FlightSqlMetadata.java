package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Answers the Flight SQL listing commands — {@code GetCatalogs}, {@code GetDbSchemas},
 * {@code GetTables} and {@code GetTableTypes} — for one session's DuckDB connection.
 *
 * <p>What is listed (see {@link SessionCatalog}): the lake catalog and the session's temporary
 * objects, filtered by the caller's {@link TableVisibility}. A catalog or schema appears exactly
 * when it holds a visible table or view. Lake objects (DuckDB views over Parquet files) are of type
 * {@code TABLE}, temporary views {@code VIEW}, temporary tables {@code LOCAL TEMPORARY}.
 *
 * <p>Each method returns a filled root with exactly the matching {@code FlightSqlProducer.Schemas}
 * schema, allocated from the allocator given to the constructor; the caller streams and closes it.
 * Thread-safe; the connection is used only by the calling thread for the duration of the call.
 */
public final class FlightSqlMetadata {

    private final BufferAllocator allocator;
    private final SessionCatalog catalog;

    /**
     * @param allocator where result roots are allocated
     * @param lakeCatalog the DuckDB database name of the lake, e.g. {@code pondhouse}
     */
    public FlightSqlMetadata(BufferAllocator allocator, String lakeCatalog) {
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.catalog = new SessionCatalog(lakeCatalog);
    }

    /** {@code GetCatalogs}: catalogs holding a visible table, ordered by name. */
    public VectorSchemaRoot catalogs(Connection connection, TableVisibility visibility) throws SQLException {
        List<String> names = visibleTables(connection, visibility, TableFilter.ANY).stream()
                .map(table -> table.name().catalog())
                .distinct()
                .sorted()
                .toList();
        return MetadataRoots.filled(Schemas.GET_CATALOGS_SCHEMA, allocator, names.size(), root -> {
            for (int row = 0; row < names.size(); row++) {
                MetadataRoots.setText(root, "catalog_name", row, names.get(row));
            }
        });
    }

    /**
     * {@code GetDbSchemas}: schemas holding a visible table, ordered by catalog and schema. The
     * catalog is matched exactly, the schema filter is a search pattern.
     */
    public VectorSchemaRoot schemas(Connection connection, TableVisibility visibility, CommandGetDbSchemas command)
            throws SQLException {
        TableFilter filter = new TableFilter(
                command.hasCatalog() ? Optional.of(command.getCatalog()) : Optional.empty(),
                command.hasDbSchemaFilterPattern()
                        ? Optional.of(new NamePattern(command.getDbSchemaFilterPattern()))
                        : Optional.empty(),
                Optional.empty());
        List<SchemaName> schemas = visibleTables(connection, visibility, filter).stream()
                .map(table -> new SchemaName(table.name().catalog(), table.name().schema()))
                .distinct()
                .toList();
        return MetadataRoots.filled(Schemas.GET_SCHEMAS_SCHEMA, allocator, schemas.size(), root -> {
            for (int row = 0; row < schemas.size(); row++) {
                MetadataRoots.setText(root, "catalog_name", row, schemas.get(row).catalog());
                MetadataRoots.setText(root, "db_schema_name", row, schemas.get(row).schema());
            }
        });
    }

    /**
     * {@code GetTables}: visible tables and views, ordered by catalog, schema and name. The catalog
     * is matched exactly, schema and table filters are search patterns, {@code table_types} are
     * matched ignoring case against {@link TableType} names (an unknown type matches nothing).
     * With {@code include_schema}, each row carries the table's Arrow schema as an IPC message,
     * typed as DuckDB's Arrow export would type a {@code SELECT *} from it, with Flight SQL column
     * metadata (see {@link DuckDbArrowTypes#resultSchema}).
     */
    public VectorSchemaRoot tables(Connection connection, TableVisibility visibility, CommandGetTables command)
            throws SQLException {
        TableFilter filter = new TableFilter(
                command.hasCatalog() ? Optional.of(command.getCatalog()) : Optional.empty(),
                command.hasDbSchemaFilterPattern()
                        ? Optional.of(new NamePattern(command.getDbSchemaFilterPattern()))
                        : Optional.empty(),
                command.hasTableNameFilterPattern()
                        ? Optional.of(new NamePattern(command.getTableNameFilterPattern()))
                        : Optional.empty());
        Set<TableType> types = requestedTypes(command.getTableTypesList());
        List<CatalogTable> tables = visibleTables(connection, visibility, filter).stream()
                .filter(table -> types.contains(table.type()))
                .toList();
        if (!command.getIncludeSchema()) {
            return MetadataRoots.filled(Schemas.GET_TABLES_SCHEMA_NO_SCHEMA, allocator, tables.size(),
                    root -> writeTables(root, tables));
        }
        Map<TableName, List<ColumnDescription>> columns = catalog.columns(connection, filter, tables);
        DuckDbArrowTypes arrowTypes = new DuckDbArrowTypes(SessionCatalog.timeZone(connection));
        List<byte[]> serializedSchemas = new ArrayList<>(tables.size());
        for (CatalogTable table : tables) {
            TableName name = table.name();
            List<ColumnDescription> visibleColumns = columns.get(name).stream()
                    .filter(column -> visibility.isColumnVisible(name.catalog(), name.schema(), name.table(), column.name()))
                    .toList();
            serializedSchemas.add(arrowTypes.resultSchema(visibleColumns).serializeAsMessage());
        }
        return MetadataRoots.filled(Schemas.GET_TABLES_SCHEMA, allocator, tables.size(), root -> {
            writeTables(root, tables);
            VarBinaryVector schemaVector = (VarBinaryVector) root.getVector("table_schema");
            for (int row = 0; row < tables.size(); row++) {
                schemaVector.setSafe(row, serializedSchemas.get(row));
            }
        });
    }

    /** {@code GetTableTypes}: {@code LOCAL TEMPORARY}, {@code TABLE}, {@code VIEW}, ordered by name. */
    public VectorSchemaRoot tableTypes() {
        List<String> names = Arrays.stream(TableType.values()).map(TableType::displayName).sorted().toList();
        return MetadataRoots.filled(Schemas.GET_TABLE_TYPES_SCHEMA, allocator, names.size(), root -> {
            for (int row = 0; row < names.size(); row++) {
                MetadataRoots.setText(root, "table_type", row, names.get(row));
            }
        });
    }

    private List<CatalogTable> visibleTables(Connection connection, TableVisibility visibility, TableFilter filter)
            throws SQLException {
        requireNonNull(connection, "connection is null");
        requireNonNull(visibility, "visibility is null");
        return catalog.tables(connection, filter).stream()
                .filter(table -> visibility.isVisible(table.name()))
                .toList();
    }

    private static Set<TableType> requestedTypes(List<String> requested) {
        if (requested.isEmpty()) {
            return EnumSet.allOf(TableType.class);
        }
        Set<TableType> types = EnumSet.noneOf(TableType.class);
        for (String name : requested) {
            TableType.fromDisplayName(name).ifPresent(types::add);
        }
        return types;
    }

    /** A catalog and schema name. */
    private record SchemaName(String catalog, String schema) {
    }

    private static void writeTables(VectorSchemaRoot root, List<CatalogTable> tables) {
        for (int row = 0; row < tables.size(); row++) {
            CatalogTable table = tables.get(row);
            MetadataRoots.setText(root, "catalog_name", row, table.name().catalog());
            MetadataRoots.setText(root, "db_schema_name", row, table.name().schema());
            MetadataRoots.setText(root, "table_name", row, table.name().table());
            MetadataRoots.setText(root, "table_type", row, table.type().displayName());
        }
    }
}
