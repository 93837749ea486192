package dev.pondhouse.server.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.LocalDeltaLake.TableFiles;
import dev.pondhouse.server.lake.LocalDeltaLake;
import dev.pondhouse.server.lake.delta.DeltaSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The tables one step's query sees, as views in a private in-memory catalog attached to the step's
 * connection and made its default ({@code USE}): so the query names tables {@code schema.table} as
 * users do, and steps running at the same time never see each other's views.
 *
 * <ul>
 *   <li>A lake table is a view over the files of its current snapshot (the local files in place),
 *       partition columns typed as the table's schema says; an existing Delta table without files is
 *       a view with its columns and no rows.
 *   <li>A table of an external source is a view over its files.
 * </ul>
 *
 * Only the tables the query reads ({@link PipelineStep#reads()}) get views; a name that is neither
 * is left for DuckDB to report ("Table ... does not exist").
 *
 * <p>Not thread-safe: it belongs to the connection's thread. Closing detaches the catalog.
 */
final class StepCatalog implements AutoCloseable {
    private final Connection connection;
    private final String catalog;

    private StepCatalog(Connection connection, String catalog) {
        this.connection = connection;
        this.catalog = catalog;
    }

    /** Attaches the catalog for {@code step}, creates its views, and makes it the connection's default. */
    static StepCatalog open(Connection connection, PipelineDefinition pipeline, PipelineStep step, LocalDeltaLake lake)
            throws SQLException, IOException {
        requireNonNull(connection, "connection is null");
        String name = "pipeline_" + UUID.randomUUID().toString().replace("-", "");
        execute(connection, "ATTACH ':memory:' AS " + SqlIdentifiers.quote(name));
        StepCatalog catalog = new StepCatalog(connection, name);
        try {
            Set<String> schemas = new HashSet<>();
            for (LakeTableName table : step.reads()) {
                Optional<String> read = readSql(pipeline, table, lake);
                if (read.isEmpty()) {
                    continue;
                }
                if (schemas.add(table.schema().toLowerCase(Locale.ROOT))) {
                    execute(connection, "CREATE SCHEMA " + SqlIdentifiers.quote(name) + "." + SqlIdentifiers.quote(table.schema()));
                }
                execute(connection, "CREATE VIEW " + SqlIdentifiers.qualified(name, table.schema(), table.table()) + " AS "
                        + read.get());
            }
            String defaultSchema = pipeline.defaultSchema().orElse("main");
            if (!defaultSchema.equals("main") && schemas.add(defaultSchema.toLowerCase(Locale.ROOT))) {
                execute(connection, "CREATE SCHEMA " + SqlIdentifiers.quote(name) + "." + SqlIdentifiers.quote(defaultSchema));
            }
            execute(connection, "USE " + SqlIdentifiers.quote(name) + "." + SqlIdentifiers.quote(defaultSchema));
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                catalog.close();
            } catch (SQLException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return catalog;
    }

    /** The query that reads {@code files} (a snapshot of a lake table). */
    static String readSql(TableFiles files) {
        return readSql(files, false);
    }

    /**
     * The query that reads {@code files}; with {@code withFileName}, each row also has the column
     * {@code filename}, the local path of its file (not for a table without files).
     */
    static String readSql(TableFiles files, boolean withFileName) {
        if (files.files().isEmpty()) {
            List<DeltaSchemas.Column> columns = DeltaSchemas.duckDbColumns(
                    files.snapshot().orElseThrow().metadata().schemaString());
            return columns.stream()
                    .map(column -> "CAST(NULL AS " + column.duckDbType() + ") AS " + SqlIdentifiers.quote(column.name()))
                    .collect(Collectors.joining(", ", "SELECT ", " LIMIT 0"));
        }
        String list = files.files().stream().map(Path::toString).map(SqlIdentifiers::literal)
                .collect(Collectors.joining(", ", "[", "]"));
        String partitioning;
        if (files.snapshot().isEmpty()) {
            partitioning = "";
        } else if (files.partitionTypes().isEmpty()) {
            partitioning = ", hive_partitioning = false";
        } else {
            partitioning = ", hive_partitioning = true, hive_types = " + files.partitionTypes().entrySet().stream()
                    .map(entry -> SqlIdentifiers.literal(entry.getKey()) + ": " + SqlIdentifiers.literal(entry.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return "SELECT * FROM read_parquet(" + list + partitioning + (withFileName ? ", filename = true" : "") + ")";
    }

    private static Optional<String> readSql(PipelineDefinition pipeline, LakeTableName table, LocalDeltaLake lake)
            throws IOException {
        for (ExternalSource source : pipeline.sources()) {
            if (source.schema().equalsIgnoreCase(table.schema())) {
                return sourceSql(source, table.table());
            }
        }
        return lake.files(table).map(StepCatalog::readSql);
    }

    private static Optional<String> sourceSql(ExternalSource source, String table) {
        String extension = source.format().extension();
        Path folder = source.folder().resolve(table);
        String files;
        if (Files.isDirectory(folder)) {
            files = SqlIdentifiers.literal(folder + "/**/*." + extension);
        } else if (Files.isRegularFile(source.folder().resolve(table + "." + extension))) {
            files = SqlIdentifiers.literal(source.folder().resolve(table + "." + extension).toString());
        } else {
            return Optional.empty();
        }
        return Optional.of(switch (source.format()) {
            case PARQUET -> "SELECT * FROM read_parquet(" + files + ")";
            case CSV -> "SELECT * FROM read_csv(" + files + ", header = true)";
        });
    }

    @Override
    public void close() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("USE memory");
            statement.execute("DETACH " + SqlIdentifiers.quote(catalog));
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
