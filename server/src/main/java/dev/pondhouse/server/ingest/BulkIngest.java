package dev.pondhouse.server.ingest;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.config.IngestSection;
import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.delta.DeltaTableWriter;
import dev.pondhouse.server.lake.delta.DeltaWriteException;
import dev.pondhouse.server.lake.delta.TableData;
import dev.pondhouse.server.lake.delta.WriteRequest;
import dev.pondhouse.server.lake.delta.WriteResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk ingest: an Arrow stream from a client becomes one commit to a Delta table (what Flight SQL's
 * {@code CommandStatementIngest}, sent by ADBC's {@code adbc_ingest}, asks for). The stream is first
 * written to one local Parquet file by the job DuckDB (through Arrow's C stream interface, without
 * converting row by row), then committed by the table writer: appended, or replacing the table's
 * rows, or creating the table with the partition columns configured in {@code ingest.tables}.
 *
 * <p><b>Permission.</b> The user needs the {@code write} privilege on the table (see
 * {@link TableWritePermission}); without a rule file every logged-in user has it.
 *
 * <p><b>Idempotency.</b> One request is one commit: a failed request changed nothing. A client that
 * may resend a request sends an application transaction (an id of its stream and a batch number):
 * a request whose batch number the table already records for that id writes nothing.
 *
 * <p>Thread-safe: each request uses its own DuckDB connection and staging file.
 */
public final class BulkIngest {
    private static final Logger log = LoggerFactory.getLogger(BulkIngest.class);

    private final JobEngine engine;
    private final DeltaLake lake;
    private final IngestSection settings;
    private final TableWritePermission permission;
    private final Consumer<LakeTableName> committed;
    private final Path stagingDirectory;

    /**
     * @param engine the job DuckDB, which stages the stream
     * @param lake where the tables are
     * @param settings partitioning of the tables ingest creates
     * @param permission who may write which table
     * @param committed told after each commit (to refresh the served views); must not throw
     * @param stagingDirectory where streams are staged as Parquet
     */
    public BulkIngest(JobEngine engine, DeltaLake lake, IngestSection settings, TableWritePermission permission,
            Consumer<LakeTableName> committed, Path stagingDirectory) {
        this.engine = requireNonNull(engine, "engine is null");
        this.lake = requireNonNull(lake, "lake is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.permission = requireNonNull(permission, "permission is null");
        this.committed = requireNonNull(committed, "committed is null");
        this.stagingDirectory = requireNonNull(stagingDirectory, "stagingDirectory is null");
    }

    /** What to do when the table exists. */
    public enum IfExists {
        /** Refuse (the default of Flight SQL and ADBC's "create" mode). */
        FAIL,
        /** Add the rows. */
        APPEND,
        /** Replace the table's rows with these (its partitioning stays). */
        REPLACE
    }

    /** What to do when the table does not exist. */
    public enum IfMissing {
        /** Create it, partitioned as {@code ingest.tables} says. */
        CREATE,
        /** Refuse. */
        FAIL
    }

    /**
     * One ingest.
     *
     * @param user who sends it
     * @param table where the rows go
     * @param ifExists what to do when the table exists
     * @param ifMissing what to do when it does not
     * @param transaction an application id and batch number that make a resent request write nothing
     */
    public record Request(String user, LakeTableName table, IfExists ifExists, IfMissing ifMissing,
            Optional<WriteRequest.AppTransaction> transaction) {
        public Request {
            requireNonNull(user, "user is null");
            requireNonNull(table, "table is null");
            requireNonNull(ifExists, "ifExists is null");
            requireNonNull(ifMissing, "ifMissing is null");
            requireNonNull(transaction, "transaction is null");
        }
    }

    /**
     * Writes the rows of {@code data} as one commit.
     *
     * @param allocator for the C stream structure handed to DuckDB
     * @return the rows written (0 when the request's transaction was already applied)
     * @throws PondhouseException permission denied, conflict (table exists), not found (table missing),
     *     user error (types without a Delta equivalent, rows that do not fit the table), or another kind
     */
    public long ingest(Request request, ArrowReader data, BufferAllocator allocator) {
        requireNonNull(request, "request is null");
        requireNonNull(data, "data is null");
        LakeTableName table = request.table();
        if (!permission.mayWrite(request.user(), table)) {
            throw new PondhouseException(ErrorKind.PERMISSION_DENIED, "user " + request.user() + " may not write "
                    + table + " (the access rules grant no write privilege on it)");
        }
        Path staged = null;
        try {
            Files.createDirectories(stagingDirectory);
            staged = stagingDirectory.resolve("ingest-" + UUID.randomUUID() + ".parquet");
            try (DuckDBConnection connection = engine.openConnection()) {
                stage(connection, data, allocator, staged);
                WriteResult result = write(connection, request, TableData.query("SELECT * FROM read_parquet("
                        + SqlIdentifiers.literal(staged.toString()) + ")"));
                if (result.committed()) {
                    committed.accept(table);
                }
                log.info("ingest by {} into {}: {} rows, version {}{}", request.user(), table, result.rowsAdded(),
                        result.version(), result.committed() ? "" : " (already applied)");
                return result.rowsAdded();
            }
        } catch (SQLException e) {
            throw PondhouseException.userError("cannot ingest into " + table + ": " + e.getMessage());
        } catch (IOException e) {
            throw new PondhouseException(ErrorKind.INTERNAL, "cannot stage the rows for " + table + ": " + e.getMessage(), e);
        } finally {
            if (staged != null) {
                try {
                    Files.deleteIfExists(staged);
                } catch (IOException e) {
                    log.warn("cannot delete the staged ingest file {}: {}", staged, e.getMessage());
                }
            }
        }
    }

    private static void stage(DuckDBConnection connection, ArrowReader data, BufferAllocator allocator, Path staged)
            throws SQLException {
        String name = "ingest_" + UUID.randomUUID().toString().replace("-", "");
        try (ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
            Data.exportArrayStream(allocator, data, stream);
            connection.registerArrowStream(name, stream);
            try (Statement statement = connection.createStatement()) {
                statement.execute("COPY (SELECT * FROM " + SqlIdentifiers.quote(name) + ") TO "
                        + SqlIdentifiers.literal(staged.toString()) + " (FORMAT parquet)");
            }
        }
    }

    private WriteResult write(DuckDBConnection connection, Request request, TableData data) {
        LakeTableName table = request.table();
        DeltaTableWriter writer = lake.writer(table);
        boolean exists = lake.latest(table).isPresent();
        if (exists && request.ifExists() == IfExists.FAIL) {
            throw new PondhouseException(ErrorKind.CONFLICT, "table " + table + " exists already; ingest with mode append"
                    + " or replace to write into it");
        }
        if (!exists && request.ifMissing() == IfMissing.FAIL) {
            throw PondhouseException.notFound("table " + table + " does not exist; ingest with mode create to create it");
        }
        WriteRequest write;
        if (!exists) {
            write = WriteRequest.create(data, settings.partitionBy(table.schema(), table.table()));
        } else if (request.ifExists() == IfExists.REPLACE) {
            write = WriteRequest.overwrite(data);
        } else {
            write = WriteRequest.append(data);
        }
        WriteRequest idempotent = request.transaction().map(txn -> write.withTransactions(List.of(txn))).orElse(write);
        try {
            return writer.write(connection, idempotent);
        } catch (DeltaWriteException e) {
            if (e.reason() == DeltaWriteException.Reason.TABLE_EXISTS && request.ifExists() == IfExists.APPEND) {
                // Created by someone else since we looked: append to it.
                WriteRequest append = WriteRequest.append(data);
                return writer.write(connection, request.transaction().map(txn -> append.withTransactions(List.of(txn)))
                        .orElse(append));
            }
            throw e;
        }
    }
}
