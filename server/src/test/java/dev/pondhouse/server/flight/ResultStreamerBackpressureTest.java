package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.junit.jupiter.api.Test;

/**
 * The streamer's wait for gRPC's flow control, with a listener that behaves as gRPC does while a
 * DoGet handler blocks the call's executor: it becomes ready, but its on-ready callback is never
 * run.
 */
class ResultStreamerBackpressureTest {
    @Test
    void seesTheClientReadyWithoutTheOnReadyCallback() {
        long readyAt = System.nanoTime() + Duration.ofMillis(20).toNanos();
        SilentListener listener = new SilentListener(() -> System.nanoTime() - readyAt >= 0);
        BackpressureStrategy backpressure = new BackpressureStrategy.CallbackBackpressureStrategy();
        backpressure.register(listener);

        long started = System.nanoTime();
        boolean ready = ResultStreamer.awaitClient(backpressure, () -> false);
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(ready).isTrue();
        // Ready after 20 ms; waiting for a callback that never comes would take at least a whole
        // wait slice of the old code (1 s). Generous bound for a busy machine.
        assertThat(waited).isLessThan(Duration.ofMillis(500));
        assertThat(listener.onReadyHandlerSet.get()).isTrue();
    }

    @Test
    void stopsWaitingWhenTheQueryIsStopped() {
        SilentListener listener = new SilentListener(() -> false);
        BackpressureStrategy backpressure = new BackpressureStrategy.CallbackBackpressureStrategy();
        backpressure.register(listener);
        long stopAt = System.nanoTime() + Duration.ofMillis(20).toNanos();

        long started = System.nanoTime();
        boolean ready = ResultStreamer.awaitClient(backpressure, () -> System.nanoTime() - stopAt >= 0);

        assertThat(ready).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void stopsWaitingWhenTheClientCancelled() {
        SilentListener listener = new SilentListener(() -> false);
        listener.cancelled.set(true);
        BackpressureStrategy backpressure = new BackpressureStrategy.CallbackBackpressureStrategy();
        backpressure.register(listener);

        assertThat(ResultStreamer.awaitClient(backpressure, () -> false)).isFalse();
    }

    /** A stream listener whose readiness changes on its own and which never calls its handlers. */
    private static final class SilentListener implements ServerStreamListener {
        private final java.util.function.BooleanSupplier ready;
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicBoolean onReadyHandlerSet = new AtomicBoolean();

        SilentListener(java.util.function.BooleanSupplier ready) {
            this.ready = ready;
        }

        @Override
        public boolean isReady() {
            return ready.getAsBoolean();
        }

        @Override
        public void setOnReadyHandler(Runnable handler) {
            onReadyHandlerSet.set(true);
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }

        @Override
        public void setOnCancelHandler(Runnable handler) {}

        @Override
        public void start(VectorSchemaRoot root, DictionaryProvider dictionaries, IpcOption option) {
            throw new UnsupportedOperationException("not streamed in this test");
        }

        @Override
        public void putNext() {
            throw new UnsupportedOperationException("not streamed in this test");
        }

        @Override
        public void putNext(ArrowBuf metadata) {
            throw new UnsupportedOperationException("not streamed in this test");
        }

        @Override
        public void putMetadata(ArrowBuf metadata) {
            throw new UnsupportedOperationException("not streamed in this test");
        }

        @Override
        public void error(Throwable ex) {
            throw new UnsupportedOperationException("not streamed in this test");
        }

        @Override
        public void completed() {
            throw new UnsupportedOperationException("not streamed in this test");
        }
    }
}
