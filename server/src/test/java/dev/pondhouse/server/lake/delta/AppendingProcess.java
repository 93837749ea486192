package dev.pondhouse.server.lake.delta;

import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;

/**
 * A separate OS process that appends to a local Delta table, for
 * {@link DeltaTableWriterProcessesTest}: {@code <lake folder> <table root> <work folder> <first id> <appends>}.
 * Each append is {@link DeltaTableWriterTestBase#rows} with 3 rows; exits 0 when all committed.
 */
public final class AppendingProcess {
    private AppendingProcess() {}

    public static void main(String[] arguments) throws Exception {
        BlobStore store = new LocalBlobStore(Path.of(arguments[0]));
        String tableRoot = arguments[1];
        Path work = Path.of(arguments[2]);
        long firstId = Long.parseLong(arguments[3]);
        int appends = Integer.parseInt(arguments[4]);
        CommitFileFormat format = new CommitFileFormat();
        DeltaTableWriter writer = new DeltaTableWriter(store, tableRoot, format,
                new DuckDbCheckpointReader(store, work.resolve("checkpoint-reads"), format), work, Clock.systemUTC(),
                DeltaWriterSettings.DEFAULT.withMaxCommitAttempts(100));
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:")) {
            for (int append = 0; append < appends; append++) {
                writer.write(duckdb, WriteRequest.append(TableData.query(
                        DeltaTableWriterTestBase.rows(firstId + 100L * append, 3))));
            }
        }
    }
}
