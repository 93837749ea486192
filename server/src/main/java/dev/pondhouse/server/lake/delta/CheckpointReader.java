package dev.pondhouse.server.lake.delta;

import java.util.List;

/**
 * Reads a classic single-file Delta checkpoint ({@code _delta_log/<version>.checkpoint.parquet}):
 * the table's state at that version as actions ({@code protocol}, {@code metaData}, {@code add},
 * {@code remove} tombstones, {@code txn}), one per row.
 */
public interface CheckpointReader {
    /**
     * The actions stored in the checkpoint blob {@code name}.
     *
     * @throws DeltaLogException if the file is not a readable checkpoint
     * @throws dev.pondhouse.server.lake.blob.BlobStoreException if the store fails
     */
    List<Action> read(String name);
}
