package dev.pondhouse.server.lake.maintenance;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.function.BooleanSupplier;

/**
 * A separate OS process that compacts a local Delta table, for {@link CompactionProcessKilledTest}:
 * {@code <lake folder> <work folder> halt|halt-in-place|run}. With {@code halt} it reads the store
 * through a forwarding store (so its files are written locally and uploaded) and dies by
 * {@link Runtime#halt} with status {@value #HALTED} once its files are uploaded, just before its
 * commit: the state a crash or a {@code kill -9} at the worst moment leaves. With {@code halt-in-place}
 * it works on the local store itself (new files written straight into the table's folder) and halts
 * before its third bin, with two files written and none committed. With {@code run} it compacts and
 * exits 0.
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
        int[] bins = {0};
        BooleanSupplier cancelled = () -> {
            if (arguments[2].equals("halt-in-place") && ++bins[0] == 3) {
                Runtime.getRuntime().halt(HALTED);
            }
            return false;
        };
        TestTable table = new TestTable(store, work);
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            table.compactor(CompactionSettings.DEFAULT).compact(duckdb, cancelled, ProgressListener.NONE);
        }
    }
}
