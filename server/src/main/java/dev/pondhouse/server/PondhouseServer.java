package dev.pondhouse.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.pondhouse.security.AuthenticatedUser;
import dev.pondhouse.security.UserAuthenticator;
import dev.pondhouse.security.rules.RuleFileWatcher;
import dev.pondhouse.server.admin.AdminApi;
import dev.pondhouse.server.admin.AdminHttpServer;
import dev.pondhouse.server.admin.JobCommands;
import dev.pondhouse.server.admin.PemTls;
import dev.pondhouse.server.admin.Readiness;
import dev.pondhouse.server.admin.RoleAdminAuthorization;
import dev.pondhouse.server.admin.TableInspector;
import dev.pondhouse.server.audit.JsonLinesAuditLog;
import dev.pondhouse.server.config.CacheSection;
import dev.pondhouse.server.config.LakeSection;
import dev.pondhouse.server.config.ServerConfig;
import dev.pondhouse.server.engine.DuckDbInterrupts;
import dev.pondhouse.server.engine.JobEngine;
import dev.pondhouse.server.engine.QueryEngine;
import dev.pondhouse.server.engine.RefreshBackOff;
import dev.pondhouse.server.engine.ViewPublisher;
import dev.pondhouse.server.flight.BearerTokenAuthenticator;
import dev.pondhouse.server.flight.FlightSqlServer;
import dev.pondhouse.server.flight.JobActions;
import dev.pondhouse.server.flight.PondhouseFlightSqlProducer;
import dev.pondhouse.server.ingest.BulkIngest;
import dev.pondhouse.server.ingest.FolderIngest;
import dev.pondhouse.server.jobs.BlobLeaseTableLock;
import dev.pondhouse.server.jobs.ConfiguredSchedules;
import dev.pondhouse.server.jobs.FolderIngestJob;
import dev.pondhouse.server.jobs.InProcessTableLock;
import dev.pondhouse.server.jobs.JobDefinition;
import dev.pondhouse.server.jobs.JobRegistry;
import dev.pondhouse.server.jobs.JobRunner;
import dev.pondhouse.server.jobs.JobScheduler;
import dev.pondhouse.server.jobs.JobState;
import dev.pondhouse.server.jobs.PipelineJob;
import dev.pondhouse.server.jobs.RefreshJob;
import dev.pondhouse.server.jobs.ReloadRulesJob;
import dev.pondhouse.server.jobs.StackedTableLock;
import dev.pondhouse.server.jobs.TableMaintenanceJobs;
import dev.pondhouse.server.lake.DeltaLake;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.cache.DiskCache;
import dev.pondhouse.server.lake.delta.CommitFileFormat;
import dev.pondhouse.server.lake.delta.DuckDbCheckpointReader;
import dev.pondhouse.server.metrics.MicrometerServerMetrics;
import dev.pondhouse.server.pipeline.PipelineDirectory;
import dev.pondhouse.server.pipeline.PipelineRunner;
import dev.pondhouse.server.pipeline.SourceContainers;
import dev.pondhouse.server.query.PreparedStatements;
import dev.pondhouse.server.query.QueryService;
import dev.pondhouse.server.query.RunningQueries;
import dev.pondhouse.server.query.ServedViews;
import dev.pondhouse.server.query.SessionControl;
import dev.pondhouse.server.query.SessionRegistry;
import dev.pondhouse.server.query.StatementAuthorizer;
import dev.pondhouse.server.query.access.AccessControl;
import dev.pondhouse.server.query.access.AccessRuleChecker;
import dev.pondhouse.server.query.guard.StatementGuard;
import dev.pondhouse.server.query.metadata.DuckDbArrowTypes;
import dev.pondhouse.server.query.metadata.ServerFeatures;
import dev.pondhouse.server.query.metadata.ServerSqlInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the server together by hand and starts and stops its parts in order: metrics, disk cache
 * (when files come from a blob store), engine, lake views, access control, query service, job runner,
 * Flight endpoint, job scheduler, admin endpoint; stopping runs in reverse, after readiness turns
 * false, the scheduler stops and running jobs get {@code jobs.shutdown-timeout} to stop, and running
 * queries a grace period to finish. The lake is refreshed every {@code lake.refresh-interval},
 * backing off while refreshes fail ({@link RefreshBackOff}).
 */
public final class PondhouseServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PondhouseServer.class);
    /** The longest wait between lake refreshes while they fail. */
    private static final Duration MAX_REFRESH_BACK_OFF = Duration.ofMinutes(5);

    private final ServerConfig config;
    private final UserAuthenticator users;
    private final List<JobDefinition> extraJobs;
    private final Readiness readiness = new Readiness();
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
    private RunningQueries runningQueries;
    private JobRunner jobs;
    private JobScheduler scheduler;
    private AdminHttpServer admin;
    private boolean closed;

    public PondhouseServer(ServerConfig config, UserAuthenticator users) {
        this(config, users, List.of());
    }

    /** A server that runs {@code extraJobs} besides the built-in ones. */
    public PondhouseServer(ServerConfig config, UserAuthenticator users, List<JobDefinition> extraJobs) {
        this.config = requireNonNull(config, "config is null");
        this.users = requireNonNull(users, "users is null");
        this.extraJobs = List.copyOf(requireNonNull(extraJobs, "extraJobs is null"));
    }

    public synchronized void start() throws Exception {
        try {
            BufferAllocator allocator = new RootAllocator();
            started.push(allocator);
            MicrometerServerMetrics metrics = new MicrometerServerMetrics();
            started.push(metrics);

            Path spill = config.engine().spillDirectory()
                    .orElse(Path.of(System.getProperty("java.io.tmpdir"), "pondhouse-spill-" + ProcessHandle.current().pid()));
            if (config.engine().spillDirectory().isEmpty()) {
                // The default spill folder is this process's own: removed at stop, after the engine.
                started.push(() -> FileTrees.deleteRecursively(spill));
            }
            DuckDbInterrupts.check();
            LakeSection lakeConfig = config.lake();
            Optional<DiskCache> cache = Optional.empty();
            if (ConfiguredLake.needsCache(lakeConfig) || !lakeConfig.sources().isEmpty()) {
                CacheSection cacheConfig = config.cache();
                DiskCache diskCache = new DiskCache(cacheConfig.directory(), cacheConfig.maxSizeBytes(),
                        cacheConfig.downloadThreads(), cacheConfig.gracePeriod(), Clock.systemUTC());
                diskCache.start();
                started.push(diskCache);
                cache = Optional.of(diskCache);
            }
            List<Path> readable = new ArrayList<>();
            if (!lakeConfig.inAzure()) {
                readable.add(lakeConfig.root());
            }
            cache.ifPresent(present -> readable.add(present.directory()));
            QueryEngine engine = new QueryEngine(config.engine(), lakeConfig, readable, spill);
            engine.start();
            started.push(engine);
            readiness.engineStarted();

            auditLog = new JsonLinesAuditLog(config.audit().file(), config.audit().statements());
            auditLog.start();
            started.push(auditLog);

            BlobStore lakeStore = ConfiguredLake.store(lakeConfig);
            ViewPublisher views = new ViewPublisher(engine, ConfiguredLake.servingCatalog(lakeConfig, lakeStore, cache, spill));
            views.refresh();
            readiness.lakeRefreshed();

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

            Path jobWork = config.pipelines().workDirectoryFor(config.lake(), config.cache());
            JobEngine jobEngine = new JobEngine(config.pipelines().threads(), config.pipelines().memoryLimit(),
                    jobWork.resolve("spill"));
            jobEngine.start();
            started.push(jobEngine);
            DeltaLake jobLake = ConfiguredLake.deltaLake(lakeConfig, lakeStore, cache, jobWork);
            log.info("jobs write to {}, staging in {}", jobLake, jobWork);
            BulkIngest ingest = new BulkIngest(jobEngine, jobLake, config.ingest(),
                    (user, table) -> access.mayWrite(user, table.schema(), table.table()),
                    table -> runQuietly("lake refresh after ingest into " + table, views::refresh),
                    jobWork.resolve("ingest"));

            SessionRegistry sessions = new SessionRegistry(engine, config.sessions());
            started.push(sessions);
            metrics.sessionsOpen(sessions::size);
            runningQueries = new RunningQueries(config.query());
            runningQueries.start();
            started.push(runningQueries);
            StatementAuthorizer authorizer = new StatementAuthorizer(guard, access, auditLog, Clock.systemUTC());
            PreparedStatements preparedStatements = new PreparedStatements(config.query().queueTimeout(), authorizer,
                    new DuckDbArrowTypes(engine.timeZone()), servedViews(views));
            queries = new QueryService(config.query(), allocator, preparedStatements, runningQueries, authorizer, auditLog,
                    metrics, Clock.systemUTC());
            started.push(queries);

            JobRegistry registry = new JobRegistry().register(RefreshJob.definition(views));
            rules.ifPresent(watcher -> registry.register(ReloadRulesJob.definition(watcher)));
            Consumer<LakeTableName> committed = table -> runQuietly("lake refresh after a commit to " + table, views::refresh);
            TableMaintenanceJobs.definitions(jobLake, jobEngine, committed, Clock.systemUTC()).forEach(registry::register);
            if (config.pipelines().directory().isPresent()) {
                Optional<SourceContainers> containers = ConfiguredLake.sourceContainers(lakeConfig, cache);
                registry.register(PipelineJob.definition(new PipelineDirectory(config.pipelines().directory().get(), jobEngine,
                        containers.isPresent()), new PipelineRunner(jobEngine, jobLake, containers, committed),
                        Clock.systemUTC()));
            }
            if (!config.ingest().folders().isEmpty()) {
                registry.register(FolderIngestJob.definition(config.ingest(), new FolderIngest(jobEngine, jobLake, committed)));
            }
            extraJobs.forEach(registry::register);
            jobs = new JobRunner(new JobRunner.Settings(config.jobs().workers(), config.jobs().historySize(),
                    Optional.of(config.jobs().historyFolder()), config.jobs().shutdownTimeout()), registry,
                    table -> views.servedTables().contains(table.toString()), new StackedTableLock(new InProcessTableLock(),
                            new BlobLeaseTableLock(lakeStore, jobLake.root(), BlobLeaseTableLock.DEFAULT_DURATION)),
                    metrics, auditLog, Clock.systemUTC());
            jobs.start();
            started.push(jobs);
            metrics.jobsActive("queued", () -> jobs.count(JobState.QUEUED));
            metrics.jobsActive("running", () -> jobs.count(JobState.RUNNING));
            ObjectMapper json = new ObjectMapper().registerModule(new Jdk8Module());
            JobCommands jobCommands = new JobCommands(jobs, new RoleAdminAuthorization(config.admin().role(),
                    () -> rulesInForce.map(RuleFileWatcher::current)), json);

            BearerTokenAuthenticator authenticator = new BearerTokenAuthenticator(users, config.auth().tokenLifetime(),
                    config.auth().tokenIdleTimeout(), config.auth().maxTokensPerUser(), access::rulesFingerprint, auditLog,
                    Clock.systemUTC());
            PondhouseFlightSqlProducer producer = new PondhouseFlightSqlProducer(sessions, queries, preparedStatements,
                    runningQueries,
                    new SessionControl(config.query().queueTimeout()), engine.catalog(),
                    new ServerSqlInfo(version(), arrowVersion(), new ServerFeatures(true, true, true)), allocator,
                    new JobActions(jobCommands, authenticator::user, json), ingest);
            // Room for four batches in flight per stream, and never less than Flight's default.
            long backpressureThreshold = Math.max(10L << 20, 4 * config.query().batchTargetBytes());
            flight = new FlightSqlServer(config.flight(), producer, authenticator, allocator, backpressureThreshold);
            flight.start();
            started.push(flight);

            scheduler = new JobScheduler(ConfiguredSchedules.of(config.jobs(), registry), jobs::submit, Clock.systemUTC());
            scheduler.start();
            started.push(scheduler);
            if (config.admin().enabled()) {
                TableInspector inspector = new TableInspector(lakeStore, jobLake.root(), new CommitFileFormat(),
                        new DuckDbCheckpointReader(lakeStore, spill.resolve("admin-checkpoints"), new CommitFileFormat()));
                Optional<PemTls> tls = config.flight().tlsCertificate().map(certificate -> new PemTls(certificate,
                        config.flight().tlsKey().orElseThrow(), config.flight().tlsClientCa()));
                admin = new AdminHttpServer(config.admin().host(), config.admin().port(), tls, new AdminApi(users, jobCommands,
                        inspector, views::servedTables, views::problems, readiness, metrics, config.admin().metricsNeedLogin(), json));
                admin.start();
                started.push(admin);
                log.info("admin API listening on {}://{}:{}", admin.tls() ? "https" : "http", config.admin().host(),
                        admin.port());
            }

            maintenance.scheduleWithFixedDelay(() -> runQuietly("session eviction", sessions::evictIdle), 10, 10, TimeUnit.SECONDS);
            maintenance.scheduleWithFixedDelay(() -> runQuietly("token eviction", authenticator::evictExpired), 60, 60,
                    TimeUnit.SECONDS);
            Duration refresh = config.lake().refreshInterval();
            if (!refresh.isZero()) {
                RefreshBackOff backOff = new RefreshBackOff(refresh, MAX_REFRESH_BACK_OFF);
                scheduleRefresh(views, backOff, refresh);
            }
            log.info("Flight SQL listening on {}:{} ({}), {} table(s) served", config.flight().host(), flight.port(),
                    config.flight().tls() ? "TLS" : "plaintext", views.servedTables().size());
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** The views as statements see them: a refresh they ask for runs on the maintenance thread. */
    private ServedViews servedViews(ViewPublisher views) {
        AtomicBoolean requested = new AtomicBoolean();
        return new ServedViews() {
            @Override
            public long version() {
                return views.version();
            }

            @Override
            public void refreshSoon() {
                if (!requested.compareAndSet(false, true)) {
                    return;
                }
                try {
                    maintenance.execute(() -> {
                        // Cleared first: a request during this refresh may have seen files it does not.
                        requested.set(false);
                        runQuietly("lake refresh after a statement found a file gone", views::refresh);
                    });
                } catch (RejectedExecutionException stopping) {
                    requested.set(false);
                }
            }
        };
    }

    /** Runs the lake refresh after {@code delay}, then again after the delay the back-off gives. */
    private void scheduleRefresh(ViewPublisher views, RefreshBackOff backOff, Duration delay) {
        try {
            maintenance.schedule(() -> {
                boolean succeeded;
                try {
                    views.refresh();
                    succeeded = true;
                    if (backOff.consecutiveFailures() > 0) {
                        log.info("lake refresh works again after {} failure(s)", backOff.consecutiveFailures());
                    }
                } catch (Exception e) {
                    succeeded = false;
                    log.warn("lake refresh failed ({} in a row); the tables stay as they were served: {}",
                            backOff.consecutiveFailures() + 1, e.getMessage(), e);
                }
                scheduleRefresh(views, backOff, backOff.next(succeeded));
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Stopping: no more refreshes.
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

    /** The Flight port actually bound. */
    public int port() {
        return flight.port();
    }

    /** The admin port actually bound. */
    public int adminPort() {
        if (admin == null) {
            throw new IllegalStateException("the admin endpoint is not running (admin.enabled is false, or not started)");
        }
        return admin.port();
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
        readiness.stopping();
        if (scheduler != null) {
            try {
                scheduler.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (jobs != null) {
            // Running jobs get jobs.shutdown-timeout to stop while the engine and the lake are still there.
            jobs.close();
        }
        maintenance.shutdownNow();
        if (flight != null) {
            flight.stopAccepting();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (runningQueries != null && runningQueries.count() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (queries != null) {
            // No new executions; then interrupt what is still running so its streams end before the endpoint closes.
            queries.close();
        }
        if (runningQueries != null) {
            runningQueries.close();
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
