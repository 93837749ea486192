package dev.pondhouse.server.config;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.audit.JsonLinesAuditLog.StatementLogging;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

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
        AuditSection audit,
        PipelinesSection pipelines,
        IngestSection ingest) {

    public ServerConfig {
        flight = flight == null ? FlightSection.defaults() : flight;
        lake = lake == null ? LakeSection.defaults() : lake;
        engine = engine == null ? EngineSection.defaults() : engine;
        query = query == null ? QuerySection.defaults() : query;
        sessions = sessions == null ? SessionSection.defaults() : sessions;
        auth = auth == null ? AuthSection.defaults() : auth;
        audit = audit == null ? AuditSection.defaults() : audit;
        pipelines = pipelines == null ? PipelinesSection.defaults() : pipelines;
        ingest = ingest == null ? IngestSection.defaults() : ingest;
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null, null, null, null);
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

    /** Who may log in, and what they may read. */
    public record AuthSection(Optional<Path> usersFile, Optional<Path> rulesFile, Duration tokenLifetime,
            Duration tokenIdleTimeout, Integer maxTokensPerUser) {
        public AuthSection {
            usersFile = usersFile == null ? Optional.empty() : usersFile;
            rulesFile = rulesFile == null ? Optional.empty() : rulesFile;
            maxTokensPerUser = maxTokensPerUser == null ? 50 : maxTokensPerUser;
            if (maxTokensPerUser < 1) {
                throw new IllegalArgumentException("auth.max-tokens-per-user: " + maxTokensPerUser + " must be at least 1");
            }
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
            return new AuthSection(null, null, null, null, null);
        }
    }

    /** The audit log: one JSON line per login, denial, query and job. */
    public record AuditSection(Optional<Path> file, StatementLogging statements) {
        public AuditSection {
            file = file == null ? Optional.empty() : file;
            statements = statements == null ? StatementLogging.TEXT : statements;
        }

        static AuditSection defaults() {
            return new AuditSection(null, null);
        }
    }

    /**
     * Pipelines, and the DuckDB instance that jobs (pipelines and ingest) run on: not the query
     * engine, but a separate, unlocked one, the only one that writes files.
     *
     * @param directory the folder of pipeline definitions, one {@code <name>.yaml} each; none when empty
     * @param workDirectory where jobs stage Parquet files before they are committed, and where their
     *     DuckDB spills; default {@code <lake.root>/_pondhouse-work}
     * @param threads the job DuckDB's threads
     * @param memoryLimit the job DuckDB's memory limit
     */
    public record PipelinesSection(Optional<Path> directory, Optional<Path> workDirectory, Integer threads,
            String memoryLimit) {
        public PipelinesSection {
            directory = directory == null ? Optional.empty() : directory;
            workDirectory = workDirectory == null ? Optional.empty() : workDirectory;
            threads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            memoryLimit = memoryLimit == null ? "50%" : memoryLimit;
            if (threads < 1) {
                throw new IllegalArgumentException("pipelines.threads: " + threads + " must be at least 1");
            }
        }

        static PipelinesSection defaults() {
            return new PipelinesSection(null, null, null, null);
        }

        /** The work directory: the configured one, or {@code _pondhouse-work} in the lake folder. */
        public Path workDirectoryIn(LakeSection lake) {
            return workDirectory.orElse(lake.root().resolve("_pondhouse-work"));
        }
    }

    /**
     * Writing into tables from outside: Flight SQL bulk ingest and folders of arriving files.
     *
     * @param tables per-table settings (partitioning of tables that ingest creates)
     * @param folders folders whose new files are appended to a table
     */
    public record IngestSection(List<IngestTable> tables, List<IngestFolder> folders) {
        public IngestSection {
            tables = tables == null ? List.of() : List.copyOf(tables);
            folders = folders == null ? List.of() : List.copyOf(folders);
            Set<String> seen = new HashSet<>();
            for (IngestTable table : tables) {
                if (!seen.add(table.table().toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("ingest.tables: table " + table.table() + " is listed twice");
                }
            }
            Set<String> targets = new HashSet<>();
            for (IngestFolder folder : folders) {
                if (!targets.add(folder.table().toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("ingest.folders: table " + folder.table() + " is listed twice");
                }
            }
        }

        static IngestSection defaults() {
            return new IngestSection(null, null);
        }

        /** The partition columns configured for {@code schema.table}; empty when none are. */
        public List<String> partitionBy(String schema, String table) {
            return tables.stream().filter(entry -> entry.table().equalsIgnoreCase(schema + "." + table))
                    .findFirst().map(IngestTable::partitionBy).orElse(List.of());
        }
    }

    /**
     * @param table {@code schema.table}
     * @param partitionBy the partition columns a table created by ingest gets (existing tables keep theirs)
     */
    public record IngestTable(String table, List<String> partitionBy) {
        public IngestTable {
            requireTableName("ingest.tables[].table", table);
            partitionBy = partitionBy == null ? List.of() : List.copyOf(partitionBy);
        }
    }

    /**
     * @param table {@code schema.table} the files are appended to
     * @param source the local folder the files arrive in (searched recursively)
     * @param format {@code parquet} or {@code csv}
     */
    public record IngestFolder(String table, Path source, String format) {
        public IngestFolder {
            requireTableName("ingest.folders[].table", table);
            requireNonNull(source, "ingest.folders[].source is missing");
            format = format == null ? "parquet" : format.toLowerCase(Locale.ROOT);
            if (!format.equals("parquet") && !format.equals("csv")) {
                throw new IllegalArgumentException("ingest.folders[].format: '" + format + "' must be parquet or csv");
            }
        }
    }

    static void requireTableName(String key, String value) {
        requireNonNull(value, key + " is missing");
        String[] parts = value.split("\\.", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a table name of the form schema.table");
        }
        requireIdentifier(key, parts[0]);
        requireIdentifier(key, parts[1]);
    }

    static void requireIdentifier(String key, String value) {
        requireNonNull(value, key + " is null");
        if (!value.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(key + ": '" + value
                    + "' is not a plain identifier (letters, digits, underscore; not starting with a digit)");
        }
    }
}
