package dev.pondhouse.server.flight;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.config.FlightSection;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The Flight SQL endpoint: a gRPC server with the producer, authentication, sessions, TLS when
 * configured, and the standard gRPC health service ({@code grpc.health.v1.Health}, reporting
 * SERVING while the server accepts work and NOT_SERVING once it shuts down).
 */
public final class FlightSqlServer implements AutoCloseable {
    static {
        // Send record batches without copying them into gRPC buffers first: Flight then keeps each
        // Arrow buffer referenced until Netty has written it. Read once, when Flight's message
        // class loads; an explicit -Darrow.flight.enable_zero_copy_write=false still wins.
        if (System.getProperty("arrow.flight.enable_zero_copy_write") == null) {
            System.setProperty("arrow.flight.enable_zero_copy_write", "true");
        }
    }

    private final FlightSection settings;
    private final FlightSqlProducer producer;
    private final CallHeaderAuthenticator authenticator;
    private final BufferAllocator allocator;
    private final long backpressureThresholdBytes;
    private final HealthStatusManager health = new HealthStatusManager();
    private FlightServer server;
    // Guarded by this.
    private boolean stopping;

    /**
     * @param backpressureThresholdBytes how many bytes of one stream may wait in gRPC's send queue
     *     before the producer waits; must hold a few record batches so sending and producing overlap
     */
    public FlightSqlServer(FlightSection settings, FlightSqlProducer producer, CallHeaderAuthenticator authenticator,
            BufferAllocator allocator, long backpressureThresholdBytes) {
        this.backpressureThresholdBytes = backpressureThresholdBytes;
        this.settings = requireNonNull(settings, "settings is null");
        this.producer = requireNonNull(producer, "producer is null");
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
    }

    public void start() throws IOException {
        Location location = settings.tls()
                ? Location.forGrpcTls(settings.host(), settings.port())
                : Location.forGrpcInsecure(settings.host(), settings.port());
        Consumer<NettyServerBuilder> addHealth = builder -> builder.addService(health.getHealthService())
                .addStreamTracerFactory(new ClientAddressTracer());
        FlightServer.Builder builder = FlightServer.builder(allocator, location, producer)
                .headerAuthenticator(authenticator)
                .backpressureThreshold((int) Math.min(Integer.MAX_VALUE, backpressureThresholdBytes))
                .middleware(SessionMiddleware.KEY, new SessionMiddleware.Factory())
                .transportHint("grpc.builderConsumer", addHealth);
        if (settings.tls()) {
            builder.useTls(settings.tlsCertificate().orElseThrow().toFile(), settings.tlsKey().orElseThrow().toFile());
            if (settings.tlsClientCa().isPresent()) {
                builder.useMTlsClientVerification(settings.tlsClientCa().get().toFile());
            }
        }
        server = builder.build();
        server.start();
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus("arrow.flight.protocol.FlightService", ServingStatus.SERVING);
    }

    /** The port actually bound (useful when configured as 0). */
    public int port() {
        return server.getPort();
    }

    /** Stops accepting new calls: health turns NOT_SERVING, running calls may finish. */
    public synchronized void stopAccepting() {
        if (!stopping) {
            stopping = true;
            health.enterTerminalState();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (server == null) {
            return;
        }
        stopAccepting();
        server.shutdown();
        if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
            server.close();
        }
        server = null;
    }
}
