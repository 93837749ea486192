package dev.pondhouse.server.admin;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The admin port: the JDK's HTTP server ({@code com.sun.net.httpserver}), HTTPS when TLS is configured,
 * serving one handler on a small pool of daemon threads.
 */
public final class AdminHttpServer implements AutoCloseable {
    private static final int THREADS = 4;

    private final String host;
    private final int port;
    private final Optional<PemTls> tls;
    private final HttpHandler handler;
    private HttpServer server;
    private ExecutorService executor;

    /**
     * @param port the port, 0 for a free one
     * @param tls the certificate, key and optional client CA; empty for plaintext
     */
    public AdminHttpServer(String host, int port, Optional<PemTls> tls, HttpHandler handler) {
        this.host = requireNonNull(host, "host is null");
        this.port = port;
        this.tls = requireNonNull(tls, "tls is null");
        this.handler = requireNonNull(handler, "handler is null");
    }

    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("admin server already started");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        HttpServer created;
        if (tls.isPresent()) {
            SSLContext context = tls.get().serverContext();
            boolean clientCertificates = tls.get().clientCa().isPresent();
            HttpsServer https = HttpsServer.create(address, 50);
            https.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters parameters) {
                    SSLParameters ssl = context.getDefaultSSLParameters();
                    ssl.setNeedClientAuth(clientCertificates);
                    parameters.setSSLParameters(ssl);
                }
            });
            created = https;
        } else {
            created = HttpServer.create(address, 50);
        }
        AtomicInteger count = new AtomicInteger();
        executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "pondhouse-admin-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        created.setExecutor(executor);
        created.createContext("/", handler);
        created.start();
        server = created;
    }

    /** The port actually bound. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("admin server is not started");
        }
        return server.getAddress().getPort();
    }

    public boolean tls() {
        return tls.isPresent();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(1);
            executor.shutdownNow();
            server = null;
        }
    }
}
