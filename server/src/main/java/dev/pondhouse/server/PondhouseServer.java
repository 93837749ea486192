package dev.pondhouse.server;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.security.UserAuthenticator;
import dev.pondhouse.server.config.ServerConfig;
import dev.pondhouse.server.engine.DuckDbInterrupts;
import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.engine.QueryEngine;
import dev.pondhouse.server.engine.ViewPublisher;
import dev.pondhouse.server.flight.BearerTokenAuthenticator;
import dev.pondhouse.server.flight.FlightSqlServer;
import dev.pondhouse.server.flight.PondhouseFlightSqlProducer;
import dev.pondhouse.server.ingest.BulkIngest;
import dev.pondhouse.server.lake.DeltaLakeCatalog;
import dev.pondhouse.server.lake.LocalDeltaLake;
import dev.pondhouse.server.lake.FolderLakeCatalog;
import dev.pondhouse.server.lake.LakeCatalog;
import dev.pondhouse.server.lake.UnionLakeCatalog;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DeltaWriterSettings;
import dev.pondhouse.server.query.QueryService;
import dev.pondhouse.server.query.SessionControl;
import dev.pondhouse.server.query.SessionRegistry;
import dev.pondhouse.server.query.metadata.DuckDbArrowTypes;
import dev.pondhouse.server.query.metadata.ServerFeatures;
import dev.pondhouse.server.query.metadata.ServerSqlInfo;
import java.nio.file.Path;
import dev.pondhouse.security.AuthenticatedUser;
import dev.pondhouse.security.rules.RuleFileWatcher;
import dev.pondhouse.server.audit.JsonLinesAuditLog;
import dev.pondhouse.server.query.StatementAuthorizer;
import dev.pondhouse.server.query.access.AccessControl;
import dev.pondhouse.server.query.access.AccessRuleChecker;
import dev.pondhouse.server.query.guard.StatementGuard;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the server together by hand and starts and stops its parts in order: engine, lake views,
 * query service, Flight endpoint; stopping runs in reverse, letting running queries finish for a
 * grace period first.
 */
public final class PondhouseServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PondhouseServer.class);

    private final ServerConfig config;
    private final UserAuthenticator users;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pondhouse-maintenance");
        thread.setDaemon(true);
        return thread;
    });
    private static final Duration RULES_POLL_INTERVAL = Duration.ofSeconds(5);

    private FlightSqlServer flight;
    private JsonLinesAuditLog auditLog;
    private QueryService queries;
    private boolean closed;

    public PondhouseServer(ServerConfig config, UserAuthenticator users) {
        this.config = requireNonNull(config, "config is null");
        this.users = requireNonNull(users, "users is null");
    }

    public synchronized void start() throws Exception {
        try {
            BufferAllocator allocator = new RootAllocator();
            started.push(allocator);

            Path spill = config.engine().spillDirectory()
                    .orElse(Path.of(System.getProperty("java.io.tmpdir"), "pondhouse-spill-" + ProcessHandle.current().pid()));
            if (config.engine().spillDirectory().isEmpty()) {
                // The default spill folder is this process's own: removed at stop, after the engine.
                started.push(() -> deleteRecursively(spill));
            }
            DuckDbInterrupts.check();
            QueryEngine engine = new QueryEngine(config.engine(), config.lake(), spill);
            engine.start();
            started.push(engine);

            auditLog = new JsonLinesAuditLog(config.audit().file(), config.audit().statements());
            auditLog.start();
            started.push(auditLog);

            LakeCatalog lake = new UnionLakeCatalog(List.of(
                    new DeltaLakeCatalog(config.lake().root(), new CommitFileFormat(), spill.resolve("checkpoints")),
                    new FolderLakeCatalog(config.lake().root())));
            ViewPublisher views = new ViewPublisher(engine, lake);
            views.refresh();

            StatementGuard guard = new StatementGuard();
            Optional<RuleFileWatcher> rules = Optional.empty();
            if (config.auth().rulesFile().isPresent()) {
                RuleFileWatcher watcher = new RuleFileWatcher(config.auth().rulesFile().get(),
                        new AccessRuleChecker(engine, guard, views::servedTables), Clock.systemUTC(), RULES_POLL_INTERVAL);
                watcher.start();
                started.push(watcher);
                rules = Optional.of(watcher);
            }
            Optional<RuleFileWatcher> rulesInForce = rules;
            AccessControl access = new AccessControl(engine, () -> rulesInForce.map(RuleFileWatcher::current),
                    views::servedTables, user -> users.findUser(user).map(AuthenticatedUser::roles));

            Path jobWork = config.pipelines().workDirectoryIn(config.lake());
            JobEngine jobEngine = new JobEngine(config.pipelines().threads(), config.pipelines().memoryLimit(),
                    jobWork.resolve("spill"));
            jobEngine.start();
            started.push(jobEngine);
            LocalDeltaLake jobLake = new LocalDeltaLake(config.lake().root(), jobWork, Clock.systemUTC(),
                    DeltaWriterSettings.DEFAULT);
            BulkIngest ingest = new BulkIngest(jobEngine, jobLake, config.ingest(),
                    (user, table) -> access.mayWrite(user, table.schema(), table.table()),
                    table -> runQuietly("lake refresh after ingest into " + table, views::refresh),
                    jobWork.resolve("ingest"));

            SessionRegistry sessions = new SessionRegistry(engine, config.sessions());
            started.push(sessions);
            queries = new QueryService(config.query(), allocator, new DuckDbArrowTypes(engine.timeZone()),
                    new StatementAuthorizer(guard, access, auditLog, Clock.systemUTC()), auditLog, Clock.systemUTC());
            queries.start();
            started.push(queries);

            BearerTokenAuthenticator authenticator = new BearerTokenAuthenticator(users, config.auth().tokenLifetime(),
                    config.auth().tokenIdleTimeout(), config.auth().maxTokensPerUser(), access::rulesFingerprint, auditLog,
                    Clock.systemUTC());
            PondhouseFlightSqlProducer producer = new PondhouseFlightSqlProducer(sessions, queries,
                    new SessionControl(config.query().queueTimeout()), engine.catalog(),
                    new ServerSqlInfo(version(), arrowVersion(), new ServerFeatures(true, true, true)), allocator, ingest);
            // Room for four batches in flight per stream, and never less than Flight's default.
            long backpressureThreshold = Math.max(10L << 20, 4 * config.query().batchTargetBytes());
            flight = new FlightSqlServer(config.flight(), producer, authenticator, allocator, backpressureThreshold);
            flight.start();
            started.push(flight);

            maintenance.scheduleWithFixedDelay(() -> runQuietly("session eviction", sessions::evictIdle), 10, 10, TimeUnit.SECONDS);
            maintenance.scheduleWithFixedDelay(() -> runQuietly("token eviction", authenticator::evictExpired), 60, 60,
                    TimeUnit.SECONDS);
            long refresh = config.lake().refreshInterval().toMillis();
            if (refresh > 0) {
                maintenance.scheduleWithFixedDelay(() -> runQuietly("lake refresh", views::refresh), refresh, refresh,
                        TimeUnit.MILLISECONDS);
            }
            log.info("Flight SQL listening on {}:{} ({}), {} table(s) served", config.flight().host(), flight.port(),
                    config.flight().tls() ? "TLS" : "plaintext", views.servedTables().size());
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private static String version() {
        String version = PondhouseServer.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    private static String arrowVersion() {
        String version = org.apache.arrow.flight.FlightServer.class.getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }

    private static void deleteRecursively(Path folder) throws java.io.IOException {
        if (!java.nio.file.Files.exists(folder)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(folder)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(path);
            }
        }
    }

    /** The Flight port actually bound. */
    public int port() {
        return flight.port();
    }

    private static void runQuietly(String what, ThrowingRunnable work) {
        try {
            work.run();
        } catch (Exception e) {
            log.warn("{} failed: {}", what, e.getMessage(), e);
        }
    }

    /**
     * Graceful stop: no new calls; running statements get {@code grace} to finish, then they are
     * cancelled; sessions close (open transactions roll back); the engine closes last.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        maintenance.shutdownNow();
        if (flight != null) {
            flight.stopAccepting();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (queries != null && queries.runningCount() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (queries != null) {
            // Interrupt what is still running so its streams end before the endpoint closes.
            queries.close();
        }
        while (!started.isEmpty()) {
            AutoCloseable component = started.pop();
            try {
                component.close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", component.getClass().getSimpleName(), e.getMessage(), e);
            }
        }
        log.info("Pondhouse stopped");
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
