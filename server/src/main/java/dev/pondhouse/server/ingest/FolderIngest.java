package dev.pondhouse.server.ingest;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.config.IngestSection;
import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.engine.SqlIdentifiers;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.delta.DeltaWriteException;
import dev.pondhouse.server.lake.delta.Snapshot;
import dev.pondhouse.server.lake.delta.TableData;
import dev.pondhouse.server.lake.delta.WriteRequest;
import dev.pondhouse.server.lake.delta.WriteRequest.AppTransaction;
import dev.pondhouse.server.lake.delta.WriteResult;
import dev.pondhouse.server.pipeline.JobProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the files that arrive in a folder to a Delta table, each file once and only once.
 *
 * <p><b>Bookkeeping in the commit.</b> Which files a table holds is recorded in the table itself: the
 * commit that appends a batch of files also records one Delta application transaction ({@code txn})
 * per file, app id {@code pondhouse-ingest-folder/<file path relative to the folder>}. A run lists
 * the folder, leaves out the files whose transaction the table records, and appends the rest. Since
 * the data and the record of it are one atomic commit, a crash at any point can neither duplicate a
 * file (committed: recorded) nor skip one (not committed: not recorded, so the next run takes it).
 * Two runs at the same time are safe too: the second to commit finds some of its files recorded by
 * the first, commits nothing, and plans again.
 *
 * <p><b>Which files.</b> Files below the folder (recursively) ending in {@code .parquet} or
 * {@code .csv} (the source's format), except those whose name or folder starts with {@code _} or
 * {@code .}: a producer writes {@code .part-0001.parquet} and renames it when complete. A file is
 * identified by its path: a file replaced under the same name is not read again. Columns are matched
 * by name across files ({@code union_by_name}); they must match the table's.
 *
 * <p>Thread-safe: each run uses its own DuckDB connection.
 */
public final class FolderIngest {
    /** Files appended by one commit at most, to keep commits (and their txn lists) a sensible size. */
    static final int MAX_FILES_PER_COMMIT = 500;
    private static final int ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(FolderIngest.class);

    private final JobEngine engine;
    private final DeltaLake lake;
    private final Consumer<LakeTableName> committed;

    /**
     * @param committed told after each commit (to refresh the served views)
     */
    public FolderIngest(JobEngine engine, DeltaLake lake, Consumer<LakeTableName> committed) {
        this.engine = requireNonNull(engine, "engine is null");
        this.lake = requireNonNull(lake, "lake is null");
        this.committed = requireNonNull(committed, "committed is null");
    }

    /** File formats a folder may hold. */
    public enum Format {
        PARQUET,
        CSV;

        String extension() {
            return "." + name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param table the table the files are appended to
     * @param folder the folder they arrive in
     * @param format their format
     * @param partitionBy the partition columns of the table when the first run creates it
     */
    public record Source(LakeTableName table, Path folder, Format format, List<String> partitionBy) {
        public Source {
            requireNonNull(table, "table is null");
            requireNonNull(folder, "folder is null");
            requireNonNull(format, "format is null");
            partitionBy = List.copyOf(partitionBy);
        }

        /** The source {@code ingest.folders} configures for {@code table}, if any. */
        public static Optional<Source> configured(IngestSection ingest, String table) {
            return ingest.folders().stream()
                    .filter(candidate -> candidate.table().equalsIgnoreCase(table))
                    .findFirst()
                    .map(folder -> {
                        LakeTableName name = LakeTableName.parse(folder.table());
                        return new Source(name, folder.source().toAbsolutePath(),
                                Format.valueOf(folder.format().toUpperCase(Locale.ROOT)),
                                ingest.partitionBy(name.schema(), name.table()));
                    });
        }
    }

    /**
     * What a run did.
     *
     * @param filesAppended new files appended by this run
     * @param filesAlreadyIngested files found that the table already holds
     * @param rowsAppended the rows of the new files
     * @param version the table version after the run's last commit, if it committed
     */
    public record Result(int filesAppended, int filesAlreadyIngested, long rowsAppended, OptionalLong version) {}

    /** The application id that records {@code relativePath} as ingested. */
    static String appId(String relativePath) {
        return "pondhouse-ingest-folder/" + relativePath;
    }

    /**
     * Appends the folder's new files.
     *
     * @param cancelled checked between commits
     * @param progress told after each commit
     */
    public Result run(Source source, BooleanSupplier cancelled, JobProgress progress) throws IOException, SQLException {
        requireNonNull(source, "source is null");
        int appended = 0;
        long rows = 0;
        OptionalLong version = OptionalLong.empty();
        int already = 0;
        for (int attempt = 1; ; attempt++) {
            List<String> files = list(source);
            Optional<Snapshot> snapshot = lake.latest(source.table());
            List<String> fresh = files.stream()
                    .filter(file -> snapshot.flatMap(table -> table.transactionVersion(appId(file))).isEmpty())
                    .toList();
            already = files.size() - fresh.size();
            try {
                for (int start = 0; start < fresh.size() && !cancelled.getAsBoolean(); start += MAX_FILES_PER_COMMIT) {
                    List<String> batch = fresh.subList(start, Math.min(fresh.size(), start + MAX_FILES_PER_COMMIT));
                    WriteResult result = append(source, batch);
                    if (result.committed()) {
                        appended += batch.size();
                        rows += result.rowsAdded();
                        version = OptionalLong.of(result.version());
                        committed.accept(source.table());
                    }
                    progress.report((double) (start + batch.size()) / fresh.size(), "appended " + (start + batch.size())
                            + " of " + fresh.size() + " new files to " + source.table());
                }
                log.info("ingest from {} into {}: {} new files ({} rows), {} already ingested", source.folder(),
                        source.table(), appended, rows, already);
                return new Result(appended, already, rows, version);
            } catch (DeltaWriteException e) {
                if (e.reason() != DeltaWriteException.Reason.CONFLICT || attempt >= ATTEMPTS) {
                    throw e;
                }
                log.info("ingest into {}: a concurrent commit took some of the same files ({}); listing again",
                        source.table(), e.getMessage());
            }
        }
    }

    private WriteResult append(Source source, List<String> batch) throws SQLException {
        String files = batch.stream().map(file -> SqlIdentifiers.literal(source.folder().resolve(file).toString()))
                .collect(Collectors.joining(", ", "[", "]"));
        String read = switch (source.format()) {
            case PARQUET -> "SELECT * FROM read_parquet(" + files + ", union_by_name = true, hive_partitioning = false)";
            case CSV -> "SELECT * FROM read_csv(" + files + ", header = true, union_by_name = true, hive_partitioning = false)";
        };
        TableData data = TableData.query(read);
        WriteRequest request = lake.latest(source.table()).isPresent() ? WriteRequest.append(data)
                : WriteRequest.create(data, source.partitionBy());
        List<AppTransaction> transactions = batch.stream().map(file -> new AppTransaction(appId(file), 1)).toList();
        try (DuckDBConnection connection = engine.openConnection()) {
            return lake.writer(source.table()).write(connection, request.withTransactions(transactions));
        } catch (DeltaWriteException e) {
            if (e.reason() == DeltaWriteException.Reason.TABLE_EXISTS) {
                throw new DeltaWriteException(DeltaWriteException.Reason.CONFLICT, "table " + source.table()
                        + " was created concurrently", e);
            }
            throw e;
        }
    }

    /** The folder's complete files of the source's format, as paths relative to it with {@code /}, sorted. */
    private static List<String> list(Source source) throws IOException {
        Path folder = source.folder();
        if (!Files.isDirectory(folder)) {
            throw new IOException("ingest folder " + folder + " does not exist");
        }
        List<String> files = new ArrayList<>();
        try (Stream<Path> entries = Files.walk(folder)) {
            for (Path file : entries.filter(Files::isRegularFile).toList()) {
                Path relative = folder.relativize(file);
                boolean hidden = false;
                for (Path part : relative) {
                    hidden |= part.toString().startsWith("_") || part.toString().startsWith(".");
                }
                if (!hidden && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(source.format().extension())) {
                    files.add(relative.toString().replace('\\', '/'));
                }
            }
        }
        files.sort(null);
        return files;
    }
}
