package dev.pondhouse.server.metrics;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.ErrorKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * {@link ServerMetrics} in a Micrometer registry, scraped in Prometheus text format. Besides the
 * server's own meters ({@code pondhouse_*}) it carries JVM and process basics: memory, garbage
 * collection, threads, class loading, CPU, open file descriptors, uptime.
 *
 * <p>Thread-safe (Micrometer meters are).
 */
public final class MicrometerServerMetrics implements ServerMetrics, AutoCloseable {
    /** The content type of {@link #scrape()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics garbageCollection = new JvmGcMetrics();
    private final Counter queriesStarted;
    private final Counter rowsSent;
    private final Counter bytesSent;

    public MicrometerServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        garbageCollection.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        queriesStarted = Counter.builder("pondhouse.queries.started").description("Statements started").register(registry);
        rowsSent = Counter.builder("pondhouse.result.rows").description("Result rows sent to clients").register(registry);
        bytesSent = Counter.builder("pondhouse.result.bytes").description("Result bytes (Arrow buffers) sent to clients")
                .baseUnit("bytes").register(registry);
    }

    @Override
    public void queryStarted() {
        queriesStarted.increment();
    }

    @Override
    public void queryFailed(ErrorKind kind) {
        Counter.builder("pondhouse.queries.failed").description("Statements that failed, by error category")
                .tag("kind", kind.name().toLowerCase(Locale.ROOT)).register(registry).increment();
    }

    @Override
    public void resultSent(long rows, long bytes) {
        rowsSent.increment(rows);
        bytesSent.increment(bytes);
    }

    @Override
    public void jobFinished(String job, String state, Duration duration) {
        Timer.builder("pondhouse.job.duration").description("Time from a job's submission to its final state")
                .tag("job", job).tag("state", state.toLowerCase(Locale.ROOT))
                .register(registry).record(duration);
    }

    @Override
    public void sessionsOpen(IntSupplier open) {
        requireNonNull(open, "open is null");
        Gauge.builder("pondhouse.sessions.open", open::getAsInt).description("Open client sessions").register(registry);
    }

    @Override
    public void jobsActive(String state, IntSupplier count) {
        requireNonNull(count, "count is null");
        Gauge.builder("pondhouse.jobs.active", count::getAsInt).description("Jobs queued or running")
                .tag("state", state.toLowerCase(Locale.ROOT)).register(registry);
    }

    /** Every meter, in Prometheus text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        garbageCollection.close();
        registry.close();
    }
}
