package dev.pondhouse.server.query.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.util.Text;

/**
 * A hand-written stand-in for the Flight stream of a {@code GetSqlInfo} answer: copies each batch
 * into plain Java values (the sender closes its root afterwards) and counts how the stream ended.
 */
final class RecordingStreamListener implements ServerStreamListener {

    private final Map<Integer, Object> values = new LinkedHashMap<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final boolean failOnBatch;
    private VectorSchemaRoot root;
    private int completions;

    RecordingStreamListener() {
        this(false);
    }

    /** @param failOnBatch whether receiving a batch throws, as a broken transport would */
    RecordingStreamListener(boolean failOnBatch) {
        this.failOnBatch = failOnBatch;
    }

    @Override
    public void start(VectorSchemaRoot root, DictionaryProvider dictionaries, IpcOption option) {
        this.root = root;
    }

    @Override
    public void putNext() {
        if (failOnBatch) {
            throw new IllegalStateException("transport broke");
        }
        UInt4Vector names = (UInt4Vector) root.getVector("info_name");
        for (int row = 0; row < root.getRowCount(); row++) {
            values.put(names.get(row), plain(root.getVector("value").getObject(row)));
        }
    }

    @Override
    public void putNext(ArrowBuf metadata) {
        putNext();
    }

    @Override
    public void putMetadata(ArrowBuf metadata) {
        throw new UnsupportedOperationException("SQL info carries no application metadata");
    }

    @Override
    public void error(Throwable error) {
        errors.add(error);
    }

    @Override
    public void completed() {
        completions++;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {
        // This stand-in is never cancelled.
    }

    /** Info id to value: String, Boolean, Long, Integer, List of String, or the map as read. */
    Map<Integer, Object> values() {
        return values;
    }

    List<Throwable> errors() {
        return errors;
    }

    int completions() {
        return completions;
    }

    private static Object plain(Object value) {
        if (value instanceof Text text) {
            return text.toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(RecordingStreamListener::plain).toList();
        }
        return value;
    }
}
