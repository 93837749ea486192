package dev.pondhouse.server.query.metadata;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.IpcOption;

/**
 * Passes a stream through but ends it only once: the first {@code error()} or {@code completed()}
 * reaches the client, later ones are dropped. {@link org.apache.arrow.flight.sql.SqlInfoBuilder}
 * calls {@code completed()} even after {@code error()}, which would otherwise end a stream twice.
 */
final class SingleEndListener implements ServerStreamListener {

    private final ServerStreamListener delegate;
    private final AtomicBoolean ended = new AtomicBoolean();

    SingleEndListener(ServerStreamListener delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    @Override
    public void start(VectorSchemaRoot root, DictionaryProvider dictionaries, IpcOption option) {
        delegate.start(root, dictionaries, option);
    }

    @Override
    public void putNext() {
        delegate.putNext();
    }

    @Override
    public void putNext(ArrowBuf metadata) {
        delegate.putNext(metadata);
    }

    @Override
    public void putMetadata(ArrowBuf metadata) {
        delegate.putMetadata(metadata);
    }

    @Override
    public void error(Throwable error) {
        if (ended.compareAndSet(false, true)) {
            delegate.error(error);
        }
    }

    @Override
    public void completed() {
        if (ended.compareAndSet(false, true)) {
            delegate.completed();
        }
    }

    @Override
    public boolean isReady() {
        return delegate.isReady();
    }

    @Override
    public void setOnReadyHandler(Runnable handler) {
        delegate.setOnReadyHandler(handler);
    }

    @Override
    public boolean isCancelled() {
        return delegate.isCancelled();
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {
        delegate.setOnCancelHandler(handler);
    }

    @Override
    public void setUseZeroCopy(boolean enabled) {
        delegate.setUseZeroCopy(enabled);
    }
}
