package dev.pondhouse.server.lake;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobStoreException;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.delta.AddFile;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DeltaLog;
import dev.pondhouse.server.lake.delta.DeltaLogException;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import dev.pondhouse.server.lake.delta.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A lake that is a local folder of Delta tables: {@code <root>/<schema>/<table>/} with a
 * {@code _delta_log/} folder. Each table is served as the data files of its latest snapshot
 * (the active {@code add} actions after replaying the log), not as whatever Parquet files lie in
 * the folder: files removed by a later commit, or written by a writer that never committed, are
 * not read.
 *
 * <p><b>What is a table.</b> Schema and table names must be plain identifiers; names starting with
 * {@code _} or {@code .} are ignored (staging folders, markers), as in {@link FolderLakeCatalog}. A
 * schema folder with another name is reported as a problem. A table folder without
 * {@code _delta_log/} is not a Delta table and is ignored silently, whatever it holds; one with a
 * log but an invalid name is reported.
 *
 * <p><b>What is left out and reported.</b> A table whose log cannot be read (a gap in the
 * versions, corrupt JSON, a protocol or reader feature this server does not support, a store
 * failure), whose log has no commit yet, whose snapshot has no active file yet (a
 * {@link LakeTable} needs files), or whose snapshot names a file that is absolute (a URI or an
 * absolute path), escapes the table folder with {@code ..}, or is missing on disk. The problem
 * names the table and the reason; the rest of the lake still lists.
 *
 * <p><b>Partitions.</b> A table with partition columns is marked {@link LakeTable#hivePartitioned()}:
 * Delta writers lay its files out in {@code key=value} folders, and the view reads the values from
 * the folder names. The authoritative values are the {@code partitionValues} of each {@code add}
 * action (a writer may name its files freely, and folder names lose type and null information, e.g.
 * {@code __HIVE_DEFAULT_PARTITION__}); a later step should project those values instead of relying
 * on folder names.
 *
 * <p>An {@code add} path that merely looks like a URI ({@code scheme:...}) after decoding is treated
 * as absolute and rejected, even if its colon was percent-encoded in the log.
 *
 * <p>Thread-safe: {@link #tables()} keeps no state between calls; each call reads each table's log
 * afresh. The constructor does no I/O.
 */
public final class DeltaLakeCatalog implements LakeCatalog {
    private final Path root;
    private final LocalBlobStore store;
    private final CommitFileFormat format;
    private final DuckDbCheckpointReader checkpointReader;

    /**
     * @param root the lake folder
     * @param format the commit file codec
     * @param temporaryDirectory where checkpoints are downloaded to while they are read
     */
    public DeltaLakeCatalog(Path root, CommitFileFormat format, Path temporaryDirectory) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.format = requireNonNull(format, "format is null");
        requireNonNull(temporaryDirectory, "temporaryDirectory is null");
        this.store = new LocalBlobStore(this.root);
        this.checkpointReader = new DuckDbCheckpointReader(store, temporaryDirectory, format);
    }

    @Override
    public Listing tables() throws IOException {
        List<LakeTable> tables = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (LakeFolders.TableFolder<Path> folder : LakeFolders.tableFolders(root,
                tableFolder -> Files.isDirectory(tableFolder.resolve(DeltaLog.LOG_FOLDER)), problems)) {
            String name = folder.schema() + "." + folder.table();
            try {
                readTable(folder.schema(), folder.table(), folder.folder()).ifPresentOrElse(tables::add,
                        () -> problems.add("Delta table " + name + " has no data files yet; not served"));
            } catch (DeltaLogException | BlobStoreException | UncheckedIOException | DeltaDataFiles.InvalidDataFileException e) {
                problems.add("Delta table " + name + " cannot be read: " + e.getMessage());
            }
        }
        return new Listing(tables, problems);
    }

    /** The table at its latest snapshot, or empty if the snapshot has no active file (or the log no commit). */
    private Optional<LakeTable> readTable(String schema, String table, Path tableFolder) {
        DeltaLog log = new DeltaLog(store, schema + "/" + table + "/", format, checkpointReader);
        Optional<Snapshot> latest = log.latest();
        if (latest.isEmpty() || latest.get().activeFiles().isEmpty()) {
            return Optional.empty();
        }
        Snapshot snapshot = latest.get();
        List<Path> files = new ArrayList<>();
        for (AddFile add : snapshot.activeFiles()) {
            files.add(dataFile(tableFolder, add.path(), snapshot.version()));
        }
        files.sort(null);
        return Optional.of(new LakeTable(schema, table, files, !snapshot.metadata().partitionColumns().isEmpty()));
    }

    /** The local file of a decoded {@code add} path, which must be relative and stay inside the table folder. */
    static Path dataFile(Path tableFolder, String path, long version) {
        DeltaDataFiles.requireRelative(path, version);
        String where = " at version " + version;
        Path relative;
        try {
            relative = Path.of(path);
        } catch (InvalidPathException e) {
            throw new DeltaDataFiles.InvalidDataFileException("data file " + path + where + " is not a valid local path: "
                    + e.getReason());
        }
        Path file = tableFolder.resolve(relative).normalize();
        if (relative.isAbsolute() || !file.startsWith(tableFolder) || file.equals(tableFolder)) {
            throw new DeltaDataFiles.InvalidDataFileException("data file " + path + where + " is outside the table folder");
        }
        if (!Files.isRegularFile(file)) {
            throw new DeltaDataFiles.InvalidDataFileException("data file " + path + where + " is missing");
        }
        return file;
    }
}
