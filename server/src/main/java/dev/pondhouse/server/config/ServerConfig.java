package dev.pondhouse.server.config;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.jobs.CronSchedule;
import dev.pondhouse.server.jobs.LakeTableName;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole server configuration, one record per section. Every key has a default (see the
 * README's configuration reference); {@link ConfigLoader} reads files strictly.
 */
public record ServerConfig(
        FlightSection flight,
        LakeSection lake,
        EngineSection engine,
        QuerySection query,
        SessionSection sessions,
        AuthSection auth,
        JobsSection jobs,
        AdminSection admin) {

    public ServerConfig {
        flight = flight == null ? FlightSection.defaults() : flight;
        lake = lake == null ? LakeSection.defaults() : lake;
        engine = engine == null ? EngineSection.defaults() : engine;
        query = query == null ? QuerySection.defaults() : query;
        sessions = sessions == null ? SessionSection.defaults() : sessions;
        auth = auth == null ? AuthSection.defaults() : auth;
        jobs = jobs == null ? JobsSection.defaults() : jobs;
        admin = admin == null ? AdminSection.defaults() : admin;
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null, null, null);
    }

    /** Where clients connect. */
    public record FlightSection(String host, Integer port, Optional<Path> tlsCertificate, Optional<Path> tlsKey,
            Optional<Path> tlsClientCa, Boolean plaintext) {
        public FlightSection {
            host = host == null ? "127.0.0.1" : host;
            port = port == null ? 31337 : port;
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("flight.port: " + port + " is not a TCP port (0-65535; 0 picks a free one)");
            }
            tlsCertificate = tlsCertificate == null ? Optional.empty() : tlsCertificate;
            tlsKey = tlsKey == null ? Optional.empty() : tlsKey;
            tlsClientCa = tlsClientCa == null ? Optional.empty() : tlsClientCa;
            plaintext = plaintext == null ? Boolean.FALSE : plaintext;
            if (tlsCertificate.isPresent() != tlsKey.isPresent()) {
                throw new IllegalArgumentException("flight.tls-certificate and flight.tls-key must be given together");
            }
            if (tlsClientCa.isPresent() && tlsCertificate.isEmpty()) {
                throw new IllegalArgumentException("flight.tls-client-ca (mTLS) needs flight.tls-certificate and flight.tls-key");
            }
            if (tlsCertificate.isEmpty() && !plaintext) {
                throw new IllegalArgumentException("flight: no TLS certificate configured; set flight.tls-certificate and "
                        + "flight.tls-key, or set flight.plaintext: true to serve without encryption explicitly");
            }
            if (tlsCertificate.isPresent() && plaintext) {
                throw new IllegalArgumentException("flight.plaintext is true but a TLS certificate is configured; choose one");
            }
        }

        static FlightSection defaults() {
            return new FlightSection(null, null, null, null, null, Boolean.TRUE);
        }

        public boolean tls() {
            return tlsCertificate.isPresent();
        }
    }

    /** The lake: a folder of {@code <schema>/<table>/} Parquet tables, served under one catalog name. */
    public record LakeSection(Path root, String catalog, String defaultSchema, Duration refreshInterval) {
        public LakeSection {
            root = root == null ? Path.of("pondhouse-data") : root;
            catalog = catalog == null ? "pondhouse" : catalog;
            defaultSchema = defaultSchema == null ? "main" : defaultSchema;
            refreshInterval = refreshInterval == null ? Duration.ofSeconds(30) : refreshInterval;
            requireIdentifier("lake.catalog", catalog);
            requireIdentifier("lake.default-schema", defaultSchema);
            if (refreshInterval.isNegative()) {
                throw new IllegalArgumentException("lake.refresh-interval must not be negative (0 turns polling off)");
            }
        }

        static LakeSection defaults() {
            return new LakeSection(null, null, null, null);
        }
    }

    /** The query DuckDB instance. */
    public record EngineSection(String memoryLimit, Integer threads, Optional<Path> spillDirectory, String spillLimit) {
        public EngineSection {
            memoryLimit = memoryLimit == null ? "75%" : memoryLimit;
            threads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            spillDirectory = spillDirectory == null ? Optional.empty() : spillDirectory;
            spillLimit = spillLimit == null ? "20GB" : spillLimit;
            if (threads < 1) {
                throw new IllegalArgumentException("engine.threads: " + threads + " must be at least 1");
            }
        }

        static EngineSection defaults() {
            return new EngineSection(null, null, null, null);
        }
    }

    /** Limits for each query. */
    public record QuerySection(Integer batchRows, String batchTargetSize, Integer maxConcurrent, Duration queueTimeout,
            Duration timeout, String memoryPerQuery, Duration unclaimedResultTimeout) {
        public QuerySection {
            batchRows = batchRows == null ? 65_536 : batchRows;
            batchTargetSize = batchTargetSize == null ? "8MB" : batchTargetSize;
            if (ByteSize.parse("query.batch-target-size", batchTargetSize) < 1) {
                throw new IllegalArgumentException("query.batch-target-size: " + batchTargetSize + " must be positive");
            }
            maxConcurrent = maxConcurrent == null ? Math.max(2, Runtime.getRuntime().availableProcessors() * 2) : maxConcurrent;
            queueTimeout = queueTimeout == null ? Duration.ofSeconds(60) : queueTimeout;
            timeout = timeout == null ? Duration.ofMinutes(30) : timeout;
            memoryPerQuery = memoryPerQuery == null ? "1GB" : memoryPerQuery;
            unclaimedResultTimeout = unclaimedResultTimeout == null ? Duration.ofSeconds(60) : unclaimedResultTimeout;
            if (batchRows < 1) {
                throw new IllegalArgumentException("query.batch-rows: " + batchRows + " must be at least 1");
            }
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("query.max-concurrent: " + maxConcurrent + " must be at least 1");
            }
            ByteSize.parse("query.memory-per-query", memoryPerQuery);
        }

        static QuerySection defaults() {
            return new QuerySection(null, null, null, null, null, null, null);
        }

        public long batchTargetBytes() {
            return ByteSize.parse("query.batch-target-size", batchTargetSize);
        }

        public long memoryPerQueryBytes() {
            return ByteSize.parse("query.memory-per-query", memoryPerQuery);
        }
    }

    /** Client sessions: one DuckDB connection each. */
    public record SessionSection(Integer max, Duration idleTimeout) {
        public SessionSection {
            max = max == null ? 200 : max;
            idleTimeout = idleTimeout == null ? Duration.ofMinutes(30) : idleTimeout;
            if (max < 1) {
                throw new IllegalArgumentException("sessions.max: " + max + " must be at least 1");
            }
            if (idleTimeout.isZero() || idleTimeout.isNegative()) {
                throw new IllegalArgumentException("sessions.idle-timeout must be positive");
            }
        }

        static SessionSection defaults() {
            return new SessionSection(null, null);
        }
    }

    /** Who may log in. */
    public record AuthSection(Optional<Path> usersFile, Duration tokenLifetime, Duration tokenIdleTimeout) {
        public AuthSection {
            usersFile = usersFile == null ? Optional.empty() : usersFile;
            tokenLifetime = tokenLifetime == null ? Duration.ofHours(8) : tokenLifetime;
            tokenIdleTimeout = tokenIdleTimeout == null ? Duration.ofHours(1) : tokenIdleTimeout;
            if (tokenLifetime.isZero() || tokenLifetime.isNegative()) {
                throw new IllegalArgumentException("auth.token-lifetime must be positive");
            }
            if (tokenIdleTimeout.isZero() || tokenIdleTimeout.isNegative()) {
                throw new IllegalArgumentException("auth.token-idle-timeout must be positive");
            }
        }

        static AuthSection defaults() {
            return new AuthSection(null, null, null);
        }
    }

    /** The job runner and the job schedules. */
    public record JobsSection(Integer workers, Integer historySize, Path historyFolder, Duration shutdownTimeout,
            String timeZone, List<Schedule> schedules) {
        public JobsSection {
            workers = workers == null ? 2 : workers;
            historySize = historySize == null ? 1000 : historySize;
            historyFolder = historyFolder == null ? Path.of("pondhouse-jobs") : historyFolder;
            shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(30) : shutdownTimeout;
            timeZone = timeZone == null ? "UTC" : timeZone;
            schedules = schedules == null ? List.of() : List.copyOf(schedules);
            if (workers < 1) {
                throw new IllegalArgumentException("jobs.workers: " + workers + " must be at least 1");
            }
            if (historySize < 1) {
                throw new IllegalArgumentException("jobs.history-size: " + historySize + " must be at least 1");
            }
            if (shutdownTimeout.isNegative()) {
                throw new IllegalArgumentException("jobs.shutdown-timeout must not be negative");
            }
            ZoneId zone = zone(timeZone);
            for (int index = 0; index < schedules.size(); index++) {
                schedules.get(index).validate("jobs.schedules[" + index + "]", zone);
            }
        }

        static JobsSection defaults() {
            return new JobsSection(null, null, null, null, null, null);
        }

        /** The zone that schedules' cron expressions are read in. */
        public ZoneId zone() {
            return zone(timeZone);
        }

        private static ZoneId zone(String timeZone) {
            try {
                return ZoneId.of(timeZone);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("jobs.time-zone: '" + timeZone + "' is not a time zone (examples: UTC,"
                        + " Europe/Berlin, America/New_York)");
            }
        }
    }

    /**
     * One job schedule: run {@code job} (on {@code table}, with {@code params}) at the times {@code cron}
     * names. Checked as a whole by {@link JobsSection}, which knows its position for messages.
     */
    public record Schedule(String job, Optional<String> table, String cron, Map<String, Object> params) {
        public Schedule {
            table = table == null ? Optional.empty() : table;
            params = params == null ? Map.of() : params;
        }

        void validate(String key, ZoneId zone) {
            if (job == null || job.isBlank()) {
                throw new IllegalArgumentException(key + ".job is missing: name the job to run, e.g. job: refresh");
            }
            if (cron == null) {
                throw new IllegalArgumentException(key + ".cron is missing: give five fields, e.g. cron: \"0 3 * * *\"");
            }
            try {
                CronSchedule.parse(cron, zone);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ".cron: " + e.getMessage());
            }
            table.ifPresent(name -> {
                try {
                    LakeTableName.parse(name);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(key + ".table: " + e.getMessage());
                }
            });
        }

        public Optional<LakeTableName> tableName() {
            return table.map(LakeTableName::parse);
        }

        public CronSchedule cronSchedule(ZoneId zone) {
            return CronSchedule.parse(cron, zone);
        }
    }

    /** The admin HTTP endpoint: health, readiness, metrics, tables, jobs. */
    public record AdminSection(Boolean enabled, String host, Integer port, String role, Boolean metricsNeedLogin) {
        public AdminSection {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            host = host == null ? "127.0.0.1" : host;
            port = port == null ? 31338 : port;
            role = role == null ? "admin" : role;
            metricsNeedLogin = metricsNeedLogin == null ? Boolean.FALSE : metricsNeedLogin;
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("admin.port: " + port + " is not a TCP port (0-65535; 0 picks a free one)");
            }
            if (role.isBlank()) {
                throw new IllegalArgumentException("admin.role must not be blank");
            }
        }

        static AdminSection defaults() {
            return new AdminSection(null, null, null, null, null);
        }
    }

    static void requireIdentifier(String key, String value) {
        requireNonNull(value, key + " is null");
        if (!value.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(key + ": '" + value
                    + "' is not a plain identifier (letters, digits, underscore; not starting with a digit)");
        }
    }
}
