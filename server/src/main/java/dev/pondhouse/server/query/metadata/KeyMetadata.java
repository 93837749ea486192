package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCrossReference;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetExportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetImportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetPrimaryKeys;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Answers {@code GetPrimaryKeys}, {@code GetImportedKeys}, {@code GetExportedKeys} and
 * {@code GetCrossReference} from {@code duckdb_constraints()}.
 *
 * <p>Only real DuckDB tables have keys; lake tables are DuckDB views over files and so have none,
 * and the answer for them is a valid, empty result. Table names in these commands are exact
 * names, not patterns, except that a lone {@code %} (which DBeaver sends) means any; a missing
 * catalog or schema means any. Both tables of a foreign key must pass the {@link TableVisibility}.
 * DuckDB foreign keys always reference a table in the same catalog and schema and have no
 * referential actions, so update and delete rules are reported as {@code NO ACTION} (3).
 *
 * <p>Results are filled roots with exactly the {@code FlightSqlProducer.Schemas} schema, allocated
 * from the constructor's allocator; the caller streams and closes them. Thread-safe.
 */
public final class KeyMetadata {

    private static final String ANY_NAME = "%";
    private static final int NO_ACTION = 3;

    private static final String EXACT_FILTERS = """
              AND (CAST(? AS VARCHAR) IS NULL OR %1$s.database_name = ?)
              AND (CAST(? AS VARCHAR) IS NULL OR %1$s.schema_name = ?)
              AND (CAST(? AS VARCHAR) IS NULL OR %1$s.%2$s = ?)
            """;

    private static final String PRIMARY_KEYS_SQL = """
            SELECT primary_key.database_name, primary_key.schema_name, primary_key.table_name,
                   primary_key.constraint_name, primary_key.constraint_column_names
            FROM duckdb_constraints() AS primary_key
            WHERE primary_key.constraint_type = 'PRIMARY KEY'
              AND (primary_key.database_name = ? OR primary_key.database_name = 'temp')
            """ + EXACT_FILTERS.formatted("primary_key", "table_name");

    private static final String FOREIGN_KEYS_SQL = """
            SELECT foreign_key.database_name, foreign_key.schema_name, foreign_key.table_name,
                   foreign_key.constraint_name, foreign_key.constraint_column_names,
                   foreign_key.referenced_table, foreign_key.referenced_column_names,
                   min(referenced_key.constraint_name) AS referenced_key_name
            FROM duckdb_constraints() AS foreign_key
            LEFT JOIN duckdb_constraints() AS referenced_key
              ON referenced_key.database_name = foreign_key.database_name
             AND referenced_key.schema_name = foreign_key.schema_name
             AND referenced_key.table_name = foreign_key.referenced_table
             AND referenced_key.constraint_type IN ('PRIMARY KEY', 'UNIQUE')
             AND referenced_key.constraint_column_names = foreign_key.referenced_column_names
            WHERE foreign_key.constraint_type = 'FOREIGN KEY'
              AND (foreign_key.database_name = ? OR foreign_key.database_name = 'temp')
            """ + EXACT_FILTERS.formatted("foreign_key", "table_name")
            + EXACT_FILTERS.formatted("foreign_key", "referenced_table") + """
            GROUP BY ALL
            """;

    private final BufferAllocator allocator;
    private final String lakeCatalog;

    /**
     * @param allocator where result roots are allocated
     * @param lakeCatalog the DuckDB database name of the lake, e.g. {@code pondhouse}
     */
    public KeyMetadata(BufferAllocator allocator, String lakeCatalog) {
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.lakeCatalog = SessionCatalog.requireLakeCatalog(lakeCatalog);
    }

    /** {@code GetPrimaryKeys}: primary key columns, ordered by table and key sequence. */
    public VectorSchemaRoot primaryKeys(Connection connection, TableVisibility visibility, CommandGetPrimaryKeys command)
            throws SQLException {
        requireNonNull(visibility, "visibility is null");
        KeyTable table = KeyTable.of(command.hasCatalog(), command.getCatalog(),
                command.hasDbSchema(), command.getDbSchema(), command.getTable());
        List<PrimaryKeyColumn> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(PRIMARY_KEYS_SQL)) {
            statement.setString(1, lakeCatalog);
            table.bind(statement, 2);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    TableName name = new TableName(result.getString(1), result.getString(2), result.getString(3));
                    if (!visibility.isVisible(name)) {
                        continue;
                    }
                    List<String> keyColumns = names(result.getArray(5));
                    for (int index = 0; index < keyColumns.size(); index++) {
                        columns.add(new PrimaryKeyColumn(name, keyColumns.get(index), index + 1, result.getString(4)));
                    }
                }
            }
        }
        columns.sort(Comparator.comparing(PrimaryKeyColumn::table)
                .thenComparingInt(PrimaryKeyColumn::keySequence));
        return MetadataRoots.filled(Schemas.GET_PRIMARY_KEYS_SCHEMA, allocator, columns.size(), root -> {
            IntVector keySequence = (IntVector) root.getVector("key_sequence");
            for (int row = 0; row < columns.size(); row++) {
                PrimaryKeyColumn column = columns.get(row);
                MetadataRoots.setText(root, "catalog_name", row, column.table().catalog());
                MetadataRoots.setText(root, "db_schema_name", row, column.table().schema());
                MetadataRoots.setText(root, "table_name", row, column.table().table());
                MetadataRoots.setText(root, "column_name", row, column.column());
                keySequence.setSafe(row, column.keySequence());
                MetadataRoots.setText(root, "key_name", row, column.keyName());
            }
        });
    }

    /** {@code GetImportedKeys}: foreign keys of the table, ordered by referenced table and key sequence. */
    public VectorSchemaRoot importedKeys(Connection connection, TableVisibility visibility, CommandGetImportedKeys command)
            throws SQLException {
        KeyTable foreignTable = KeyTable.of(command.hasCatalog(), command.getCatalog(),
                command.hasDbSchema(), command.getDbSchema(), command.getTable());
        List<ForeignKeyColumn> columns = foreignKeys(connection, visibility, foreignTable, KeyTable.ANY);
        columns.sort(Comparator.comparing(ForeignKeyColumn::primaryTable)
                .thenComparing(ForeignKeyColumn::foreignKeyName)
                .thenComparingInt(ForeignKeyColumn::keySequence));
        return foreignKeyRoot(columns);
    }

    /** {@code GetExportedKeys}: foreign keys referencing the table, ordered by referencing table and key sequence. */
    public VectorSchemaRoot exportedKeys(Connection connection, TableVisibility visibility, CommandGetExportedKeys command)
            throws SQLException {
        KeyTable primaryTable = KeyTable.of(command.hasCatalog(), command.getCatalog(),
                command.hasDbSchema(), command.getDbSchema(), command.getTable());
        return foreignKeyRoot(sortedByForeignTable(foreignKeys(connection, visibility, KeyTable.ANY, primaryTable)));
    }

    /** {@code GetCrossReference}: foreign keys of the foreign table referencing the primary table. */
    public VectorSchemaRoot crossReference(Connection connection, TableVisibility visibility,
            CommandGetCrossReference command) throws SQLException {
        KeyTable primaryTable = KeyTable.of(command.hasPkCatalog(), command.getPkCatalog(),
                command.hasPkDbSchema(), command.getPkDbSchema(), command.getPkTable());
        KeyTable foreignTable = KeyTable.of(command.hasFkCatalog(), command.getFkCatalog(),
                command.hasFkDbSchema(), command.getFkDbSchema(), command.getFkTable());
        return foreignKeyRoot(sortedByForeignTable(foreignKeys(connection, visibility, foreignTable, primaryTable)));
    }

    private List<ForeignKeyColumn> foreignKeys(
            Connection connection, TableVisibility visibility, KeyTable foreignTable, KeyTable primaryTable)
            throws SQLException {
        requireNonNull(visibility, "visibility is null");
        List<ForeignKeyColumn> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(FOREIGN_KEYS_SQL)) {
            statement.setString(1, lakeCatalog);
            int index = foreignTable.bind(statement, 2);
            primaryTable.bind(statement, index);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    TableName foreignName = new TableName(result.getString(1), result.getString(2), result.getString(3));
                    TableName primaryName = new TableName(foreignName.catalog(), foreignName.schema(), result.getString(6));
                    if (!visibility.isVisible(foreignName) || !visibility.isVisible(primaryName)) {
                        continue;
                    }
                    List<String> foreignColumns = names(result.getArray(5));
                    List<String> primaryColumns = names(result.getArray(7));
                    for (int column = 0; column < foreignColumns.size() && column < primaryColumns.size(); column++) {
                        columns.add(new ForeignKeyColumn(primaryName, primaryColumns.get(column),
                                foreignName, foreignColumns.get(column), column + 1,
                                result.getString(4), Optional.ofNullable(result.getString(8))));
                    }
                }
            }
        }
        return columns;
    }

    private static List<ForeignKeyColumn> sortedByForeignTable(List<ForeignKeyColumn> columns) {
        columns.sort(Comparator.comparing(ForeignKeyColumn::foreignTable)
                .thenComparing(ForeignKeyColumn::foreignKeyName)
                .thenComparingInt(ForeignKeyColumn::keySequence));
        return columns;
    }

    private VectorSchemaRoot foreignKeyRoot(List<ForeignKeyColumn> columns) {
        return MetadataRoots.filled(Schemas.GET_IMPORTED_KEYS_SCHEMA, allocator, columns.size(), root -> {
            IntVector keySequence = (IntVector) root.getVector("key_sequence");
            UInt1Vector updateRule = (UInt1Vector) root.getVector("update_rule");
            UInt1Vector deleteRule = (UInt1Vector) root.getVector("delete_rule");
            for (int row = 0; row < columns.size(); row++) {
                ForeignKeyColumn column = columns.get(row);
                MetadataRoots.setText(root, "pk_catalog_name", row, column.primaryTable().catalog());
                MetadataRoots.setText(root, "pk_db_schema_name", row, column.primaryTable().schema());
                MetadataRoots.setText(root, "pk_table_name", row, column.primaryTable().table());
                MetadataRoots.setText(root, "pk_column_name", row, column.primaryColumn());
                MetadataRoots.setText(root, "fk_catalog_name", row, column.foreignTable().catalog());
                MetadataRoots.setText(root, "fk_db_schema_name", row, column.foreignTable().schema());
                MetadataRoots.setText(root, "fk_table_name", row, column.foreignTable().table());
                MetadataRoots.setText(root, "fk_column_name", row, column.foreignColumn());
                keySequence.setSafe(row, column.keySequence());
                MetadataRoots.setText(root, "fk_key_name", row, column.foreignKeyName());
                MetadataRoots.setText(root, "pk_key_name", row, column.primaryKeyName().orElse(null));
                updateRule.setSafe(row, NO_ACTION);
                deleteRule.setSafe(row, NO_ACTION);
            }
        });
    }

    private static List<String> names(Array array) throws SQLException {
        try {
            List<String> names = new ArrayList<>();
            for (Object name : (Object[]) array.getArray()) {
                names.add((String) name);
            }
            return names;
        } finally {
            array.free();
        }
    }

    /** Exact-name filter of a key command; empty parts (or a lone {@code %}) match any name. */
    private record KeyTable(Optional<String> catalog, Optional<String> schema, Optional<String> table) {

        static final KeyTable ANY = new KeyTable(Optional.empty(), Optional.empty(), Optional.empty());

        KeyTable {
            requireNonNull(catalog, "catalog is null");
            requireNonNull(schema, "schema is null");
            requireNonNull(table, "table is null");
        }

        static KeyTable of(boolean hasCatalog, String catalog, boolean hasSchema, String schema, String table) {
            return new KeyTable(
                    hasCatalog ? exact(catalog) : Optional.empty(),
                    hasSchema ? exact(schema) : Optional.empty(),
                    exact(table));
        }

        private static Optional<String> exact(String name) {
            return ANY_NAME.equals(name) ? Optional.empty() : Optional.of(name);
        }

        /** Binds the six parameters of one {@code EXACT_FILTERS} block; returns the next index. */
        int bind(PreparedStatement statement, int index) throws SQLException {
            for (Optional<String> part : List.of(catalog, schema, table)) {
                statement.setString(index++, part.orElse(null));
                statement.setString(index++, part.orElse(null));
            }
            return index;
        }
    }

    private record PrimaryKeyColumn(TableName table, String column, int keySequence, String keyName) {
    }

    private record ForeignKeyColumn(
            TableName primaryTable,
            String primaryColumn,
            TableName foreignTable,
            String foreignColumn,
            int keySequence,
            String foreignKeyName,
            Optional<String> primaryKeyName) {
    }
}
