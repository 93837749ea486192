package dev.pondhouse.server.flight;

import static java.util.Objects.requireNonNull;

import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batches a client sends in a DoPut, as an {@link ArrowReader} (what Arrow's C stream export
 * takes). Each batch is moved into the reader's own root as it is read; the Flight stream itself
 * stays owned by Flight and is not closed here. Dictionary-encoded columns are not supported.
 */
final class FlightStreamReader extends ArrowReader {
    private final FlightStream stream;

    FlightStreamReader(FlightStream stream, BufferAllocator allocator) {
        super(allocator);
        this.stream = requireNonNull(stream, "stream is null");
    }

    @Override
    public boolean loadNextBatch() {
        if (!stream.next()) {
            return false;
        }
        try (ArrowRecordBatch batch = new VectorUnloader(stream.getRoot()).getRecordBatch()) {
            loadRecordBatch(batch);
        }
        return true;
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected void closeReadSource() {
        // The Flight stream belongs to the call.
    }

    @Override
    protected Schema readSchema() {
        return stream.getSchema();
    }
}
