package dev.pondhouse.server.flight;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.query.QueryService;
import dev.pondhouse.server.query.RunningQuery;
import java.util.Optional;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Waits for a submitted query's execution (started when it was submitted) and sends its result to a
 * DoGet call batch by batch as DuckDB produces it, waiting for gRPC's
 * flow control before each batch, so no more than a couple of batches of one result are ever held
 * in memory. The stream ends exactly once, completed or with an error; the query is closed in
 * every case.
 */
final class ResultStreamer {
    private static final long WAIT_SLICE_MILLIS = 1_000;

    private final QueryService queries;

    ResultStreamer(QueryService queries) {
        this.queries = queries;
    }

    void stream(RunningQuery query, ServerStreamListener listener) {
        Throwable failure = null;
        try (query) {
            query.streamingTo(listener::isCancelled);
            queries.awaitExecution(query);
            Optional<ArrowReader> result = query.reader();
            if (result.isEmpty()) {
                try (VectorSchemaRoot empty = VectorSchemaRoot.create(query.schema(), query.allocator())) {
                    listener.start(empty);
                }
            } else {
                ArrowReader reader = result.get();
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                BackpressureStrategy backpressure = new BackpressureStrategy.CallbackBackpressureStrategy();
                backpressure.register(listener);
                listener.start(root, reader);
                RunningQuery.FirstBatch first = query.firstBatch();
                boolean loaded = first == RunningQuery.FirstBatch.LOADED;
                while (first != RunningQuery.FirstBatch.END && (loaded || reader.loadNextBatch())) {
                    loaded = false;
                    if (!awaitClient(query, backpressure)) {
                        break;
                    }
                    listener.putNext();
                    query.sent(root.getRowCount(), bufferBytes(root));
                }
            }
            if (query.stopReason().isPresent() || listener.isCancelled()) {
                throw new PondhouseException(query.stopReason().orElse(ErrorKind.CANCELLED),
                        "query " + query.id() + " was stopped before its result was sent completely");
            }
        } catch (Throwable e) {
            failure = e;
        }
        if (failure == null) {
            listener.completed();
        } else if (!listener.isCancelled()) {
            listener.error(FlightErrors.toFlight(queries.failure(query, asException(failure))));
        }
    }

    /** Waits until gRPC can take another message; false when the client left or the query was stopped. */
    private static boolean awaitClient(RunningQuery query, BackpressureStrategy backpressure) {
        while (true) {
            BackpressureStrategy.WaitResult result = backpressure.waitForListener(WAIT_SLICE_MILLIS);
            switch (result) {
                case READY:
                    return true;
                case CANCELLED:
                    return false;
                default:
                    if (query.stopReason().isPresent()) {
                        return false;
                    }
            }
        }
    }

    private static long bufferBytes(VectorSchemaRoot root) {
        long bytes = 0;
        for (org.apache.arrow.vector.FieldVector vector : root.getFieldVectors()) {
            bytes += vector.getBufferSize();
        }
        return bytes;
    }

    private static Exception asException(Throwable failure) {
        if (failure instanceof Exception exception) {
            return exception;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(failure);
    }
}
