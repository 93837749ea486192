package dev.pondhouse.server.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.DeltaLake.TableFiles;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.cache.PinnedCopies;
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
 *   <li>A lake table is a view over the files of its current snapshot (on a local lake the files in
 *       place, else copies in the cache, pinned until the catalog closes), partition columns typed
 *       as the table's schema says; an existing Delta table without files is a view with its
 *       columns and no rows.
 *   <li>A table of an external source is a view over its files (of a container source: copies in
 *       the cache, pinned until the catalog closes).
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
    private final DeltaLake.Reads lakeReads;
    private final Optional<SourceContainers> containers;
    // Opened at the first read of a container source.
    private Optional<PinnedCopies> sourceCopies = Optional.empty();

    private StepCatalog(Connection connection, String catalog, DeltaLake.Reads lakeReads,
            Optional<SourceContainers> containers) {
        this.connection = connection;
        this.catalog = catalog;
        this.lakeReads = lakeReads;
        this.containers = containers;
    }

    /**
     * Attaches the catalog for {@code step}, creates its views, and makes it the connection's default.
     *
     * @param containers the Azure containers that container sources read; empty when the server has
     *     no Azure configuration (a container source is then an error naming its line)
     */
    static StepCatalog open(Connection connection, PipelineDefinition pipeline, PipelineStep step, DeltaLake lake,
            Optional<SourceContainers> containers) throws SQLException, IOException {
        requireNonNull(connection, "connection is null");
        requireNonNull(containers, "containers is null");
        String name = "pipeline_" + UUID.randomUUID().toString().replace("-", "");
        DeltaLake.Reads reads = lake.reads("pipeline-step");
        try {
            execute(connection, "ATTACH ':memory:' AS " + SqlIdentifiers.quote(name));
        } catch (SQLException e) {
            reads.close();
            throw e;
        }
        StepCatalog catalog = new StepCatalog(connection, name, reads, containers);
        try {
            Set<String> schemas = new HashSet<>();
            for (LakeTableName table : step.reads()) {
                Optional<String> read = catalog.readSql(pipeline, table);
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

    /** The lake's files this step reads, pinned until the catalog closes (a merge reads more of them). */
    DeltaLake.Reads lakeReads() {
        return lakeReads;
    }

    private Optional<String> readSql(PipelineDefinition pipeline, LakeTableName table) throws IOException {
        for (ExternalSource source : pipeline.sources()) {
            if (source.schema().equalsIgnoreCase(table.schema())) {
                return sourceSql(pipeline, source, table.table());
            }
        }
        return lakeReads.files(table).map(StepCatalog::readSql);
    }

    private Optional<String> sourceSql(PipelineDefinition pipeline, ExternalSource source, String table)
            throws IOException {
        String extension = source.format().extension();
        String files;
        String partitioning = "";
        if (source.location() instanceof ExternalSource.Folder local) {
            Path folder = local.path().resolve(table);
            if (Files.isDirectory(folder)) {
                files = SqlIdentifiers.literal(folder + "/**/*." + extension);
            } else if (Files.isRegularFile(local.path().resolve(table + "." + extension))) {
                files = SqlIdentifiers.literal(local.path().resolve(table + "." + extension).toString());
            } else {
                return Optional.empty();
            }
        } else {
            ExternalSource.Container container = (ExternalSource.Container) source.location();
            SourceContainers readable = containers.orElseThrow(() -> new PipelineFileException(pipeline.file(),
                    source.line(), noAzureMessage(source.schema(), container.name())));
            if (sourceCopies.isEmpty()) {
                sourceCopies = Optional.of(readable.copies());
            }
            Optional<SourceContainers.SourceFiles> found = readable.files(container, source.format(), table,
                    sourceCopies.get());
            if (found.isEmpty()) {
                return Optional.empty();
            }
            files = found.get().files().stream().map(Path::toString).map(SqlIdentifiers::literal)
                    .collect(Collectors.joining(", ", "[", "]"));
            partitioning = ", hive_partitioning = " + found.get().partitioned();
        }
        return Optional.of(switch (source.format()) {
            case PARQUET -> "SELECT * FROM read_parquet(" + files + partitioning + ")";
            case CSV -> "SELECT * FROM read_csv(" + files + ", header = true" + partitioning + ")";
        });
    }

    /** The problem of a container source on a server without Azure configuration. */
    static String noAzureMessage(String schema, String container) {
        return "source " + schema + " reads Azure container '" + container + "', but no Azure storage account is"
                + " configured; set lake.azure.account (or lake.azure.endpoint, or a connection string)";
    }

    /** Detaches the catalog, then unpins the files its views read. */
    @Override
    public void close() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("USE memory");
            statement.execute("DETACH " + SqlIdentifiers.quote(catalog));
        } finally {
            sourceCopies.ifPresent(PinnedCopies::close);
            lakeReads.close();
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
