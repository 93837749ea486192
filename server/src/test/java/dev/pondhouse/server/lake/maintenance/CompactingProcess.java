package dev.pondhouse.server.lake.maintenance;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * A separate OS process that compacts a local Delta table, for {@link CompactionProcessKilledTest}:
 * {@code <lake folder> <work folder> halt|run}. With {@code halt} it dies by {@link Runtime#halt} with
 * status {@value #HALTED} once its files are uploaded, just before its commit: the state a crash or a
 * {@code kill -9} at the worst moment leaves. With {@code run} it compacts and exits 0.
 */
public final class CompactingProcess {
    /** The exit status of a process that halted before its commit. */
    static final int HALTED = 42;

    private CompactingProcess() {}

    public static void main(String[] arguments) throws Exception {
        BlobStore store = new LocalBlobStore(Path.of(arguments[0]));
        Path work = Path.of(arguments[1]);
        if (arguments[2].equals("halt")) {
            store = new BeforeFirstCommitBlobStore(store, () -> Runtime.getRuntime().halt(HALTED));
        }
        TestTable table = new TestTable(store, work);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            table.compactor(CompactionSettings.DEFAULT).compact(duckdb, () -> false, ProgressListener.NONE);
        }
    }
}
