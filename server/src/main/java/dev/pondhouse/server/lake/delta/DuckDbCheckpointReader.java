package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link CheckpointReader} that downloads the checkpoint to a temporary file and reads it with
 * an in-memory DuckDB of its own ({@code read_parquet}), turning each row into JSON
 * ({@code to_json}) in the commit file shape, which {@link CommitFileFormat} then parses: so
 * checkpoints and commits share one set of parsing rules. The temporary file is deleted afterwards.
 *
 * <p>Thread-safe: every call uses its own temporary file and DuckDB connection. That DuckDB is a
 * private in-memory instance with default settings, separate from the locked-down query instance;
 * it only ever runs the one fixed query above on a file this class downloaded.
 */
public final class DuckDbCheckpointReader implements CheckpointReader {
    private static final String QUERY = "SELECT to_json(checkpoint) FROM read_parquet(?) AS checkpoint";

    private final BlobStore store;
    private final Path temporaryDirectory;
    private final CommitFileFormat format;

    /**
     * @param store where the checkpoints live
     * @param temporaryDirectory where checkpoints are downloaded to while they are read
     * @param format parses the rows
     */
    public DuckDbCheckpointReader(BlobStore store, Path temporaryDirectory, CommitFileFormat format) {
        this.store = requireNonNull(store, "store is null");
        this.temporaryDirectory = requireNonNull(temporaryDirectory, "temporaryDirectory is null");
        this.format = requireNonNull(format, "format is null");
    }

    @Override
    public List<Action> read(String name) {
        Path file = createTemporaryFile();
        List<Action> actions;
        try {
            store.download(name, file);
            actions = format.parseLines(rowsAsJson(file, name), name);
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        deleteTemporaryFile(file);
        return actions;
    }

    private List<String> rowsAsJson(Path file, String name) {
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                PreparedStatement statement = connection.prepareStatement(QUERY)) {
            statement.setString(1, file.toString());
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1));
                }
            }
        } catch (SQLException e) {
            throw DeltaLogException.corrupt("cannot read the checkpoint " + name + ": " + e.getMessage(), e);
        }
        return rows;
    }

    private Path createTemporaryFile() {
        try {
            Files.createDirectories(temporaryDirectory);
            return Files.createTempFile(temporaryDirectory, "checkpoint-", ".parquet");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file in " + temporaryDirectory, e);
        }
    }

    private static void deleteTemporaryFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the temporary checkpoint " + file, e);
        }
    }
}
