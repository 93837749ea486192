package dev.pondhouse.server.config;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.security.JdbcUserAuthenticator;
import dev.pondhouse.security.TrustedJwtIssuer;
import dev.pondhouse.security.UserDatabase;
import dev.pondhouse.server.audit.JsonLinesAuditLog.StatementLogging;
import dev.pondhouse.server.jobs.CronSchedule;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig;
import dev.pondhouse.server.lake.blob.BlobName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        CacheSection cache,
        JobsSection jobs,
        AdminSection admin,
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
        cache = cache == null ? CacheSection.defaults() : cache;
        jobs = jobs == null ? JobsSection.defaults() : jobs;
        admin = admin == null ? AdminSection.defaults() : admin;
        pipelines = pipelines == null ? PipelinesSection.defaults() : pipelines;
        ingest = ingest == null ? IngestSection.defaults() : ingest;
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null, null, null, null, null, null, null);
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

    /**
     * The lake: a local folder of {@code <schema>/<table>/} tables served in place ({@code store:
     * local}), or an Azure container of Delta tables served from the disk cache ({@code store:
     * azure}); plus external read-only sources; served under one catalog name.
     */
    public record LakeSection(Path root, String catalog, String defaultSchema, Duration refreshInterval, String store,
            AzureSection azure, List<SourceSection> sources) {
        public static final String LOCAL = "local";
        public static final String AZURE = "azure";

        public LakeSection {
            root = root == null ? Path.of("pondhouse-data") : root;
            catalog = catalog == null ? "pondhouse" : catalog;
            defaultSchema = defaultSchema == null ? "main" : defaultSchema;
            refreshInterval = refreshInterval == null ? Duration.ofSeconds(30) : refreshInterval;
            store = store == null ? LOCAL : store;
            azure = azure == null ? AzureSection.defaults() : azure;
            sources = sources == null ? List.of() : List.copyOf(sources);
            requireIdentifier("lake.catalog", catalog);
            requireIdentifier("lake.default-schema", defaultSchema);
            if (refreshInterval.isNegative()) {
                throw new IllegalArgumentException("lake.refresh-interval must not be negative (0 turns polling off)");
            }
            if (!store.equals(LOCAL) && !store.equals(AZURE)) {
                throw new IllegalArgumentException("lake.store: '" + store + "' is not a store; expected local or azure");
            }
            if (store.equals(AZURE)) {
                if (azure.container().isEmpty()) {
                    throw new IllegalArgumentException("lake.store is azure but lake.azure.container is not set");
                }
                azure.requireAccount("lake.store is azure");
            }
            Set<String> names = new HashSet<>();
            for (int index = 0; index < sources.size(); index++) {
                SourceSection source = sources.get(index);
                if (!names.add(source.name())) {
                    throw new IllegalArgumentException("lake.sources: the name " + source.name() + " is used twice");
                }
                if (source.azure()) {
                    azure.requireAccount("lake.sources[" + index + "] (" + source.name() + ") is in Azure");
                    if (source.container().isEmpty() && azure.container().isEmpty()) {
                        throw new IllegalArgumentException("lake.sources[" + index + "] (" + source.name()
                                + "): set its container, or lake.azure.container");
                    }
                }
            }
        }

        /** A local lake folder with no external sources. */
        public LakeSection(Path root, String catalog, String defaultSchema, Duration refreshInterval) {
            this(root, catalog, defaultSchema, refreshInterval, null, null, null);
        }

        static LakeSection defaults() {
            return new LakeSection(null, null, null, null);
        }

        public boolean inAzure() {
            return store.equals(AZURE);
        }
    }

    /**
     * The Azure storage account of {@code lake.store: azure} and of Azure sources, and how to sign in:
     * a connection string, an account key, a SAS token, or (when none is set) Azure's
     * {@code DefaultAzureCredential}. Secrets come from the environment or from files (the
     * {@code *-file} keys), never from the configuration file; {@link #toString()} hides them.
     */
    public record AzureSection(Optional<String> account, Optional<String> endpoint, Optional<String> container,
            String prefix, Optional<String> connectionString, Optional<Path> connectionStringFile,
            Optional<String> accountKey, Optional<Path> accountKeyFile, Optional<String> sasToken,
            Optional<Path> sasTokenFile) {
        /** The keys whose values are secrets: only from the environment, never from the file or --set. */
        public static final Set<String> SECRET_KEYS = Set.of("connection-string", "account-key", "sas-token");

        public AzureSection {
            account = orEmpty(account);
            endpoint = orEmpty(endpoint);
            container = orEmpty(container);
            prefix = prefix == null ? "" : prefix;
            connectionString = orEmpty(connectionString);
            connectionStringFile = orEmpty(connectionStringFile);
            accountKey = orEmpty(accountKey);
            accountKeyFile = orEmpty(accountKeyFile);
            sasToken = orEmpty(sasToken);
            sasTokenFile = orEmpty(sasTokenFile);
            if (!prefix.isEmpty()) {
                try {
                    BlobName.requireValidPrefix(prefix);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("lake.azure.prefix: " + e.getMessage());
                }
                if (!prefix.endsWith("/")) {
                    throw new IllegalArgumentException("lake.azure.prefix: '" + prefix + "' must end with '/' (a folder)");
                }
            }
            account.ifPresent(name -> {
                if (!name.matches("[a-z0-9]{3,24}")) {
                    throw new IllegalArgumentException("lake.azure.account: '" + name
                            + "' is not a storage account name (3 to 24 lowercase letters and digits)");
                }
            });
            List<String> credentials = new ArrayList<>();
            if (connectionString.isPresent() || connectionStringFile.isPresent()) {
                credentials.add("connection string");
            }
            if (accountKey.isPresent() || accountKeyFile.isPresent()) {
                credentials.add("account key");
            }
            if (sasToken.isPresent() || sasTokenFile.isPresent()) {
                credentials.add("SAS token");
            }
            if (credentials.size() > 1) {
                throw new IllegalArgumentException("lake.azure: choose one way to sign in, found " + String.join(", ", credentials));
            }
            requireOne(connectionString, connectionStringFile, "connection-string");
            requireOne(accountKey, accountKeyFile, "account-key");
            requireOne(sasToken, sasTokenFile, "sas-token");
            if ((accountKey.isPresent() || accountKeyFile.isPresent()) && account.isEmpty()) {
                throw new IllegalArgumentException("lake.azure.account-key needs lake.azure.account (the account's name)");
            }
        }

        static AzureSection defaults() {
            return new AzureSection(null, null, null, null, null, null, null, null, null, null);
        }

        /** Whether the section names an account (an account, an endpoint or a connection string). */
        public boolean configured() {
            return account.isPresent() || endpoint.isPresent() || connectionString.isPresent()
                    || connectionStringFile.isPresent();
        }

        /** Throws unless the section says which account to use. */
        void requireAccount(String why) {
            if (account.isEmpty() && endpoint.isEmpty() && connectionString.isEmpty() && connectionStringFile.isEmpty()) {
                throw new IllegalArgumentException(why + ": set lake.azure.account (or lake.azure.endpoint, or a"
                        + " connection string)");
            }
        }

        /** The blob endpoint: {@code endpoint}, else {@code https://<account>.blob.core.windows.net}. */
        public Optional<String> blobEndpoint() {
            return endpoint.or(() -> account.map(name -> "https://" + name + ".blob.core.windows.net"));
        }

        /** How to sign in, as {@code DefaultAzureCredential} or the kind of secret; never the secret itself. */
        public String authenticationName() {
            if (connectionString.isPresent() || connectionStringFile.isPresent()) {
                return "connection string";
            }
            if (accountKey.isPresent() || accountKeyFile.isPresent()) {
                return "account key";
            }
            if (sasToken.isPresent() || sasTokenFile.isPresent()) {
                return "SAS token";
            }
            return "DefaultAzureCredential";
        }

        /** The store settings for {@code container}; reads the secret files named here (at start-up, not at load). */
        public AzureBlobStoreConfig storeConfig(String container) throws IOException {
            AzureBlobStoreConfig.Authentication authentication;
            Optional<String> secret;
            if ((secret = secret(connectionString, connectionStringFile, "connection-string-file")).isPresent()) {
                authentication = new AzureBlobStoreConfig.Authentication.ConnectionString(secret.get());
            } else if ((secret = secret(accountKey, accountKeyFile, "account-key-file")).isPresent()) {
                authentication = new AzureBlobStoreConfig.Authentication.AccountKey(account.orElseThrow(), secret.get());
            } else if ((secret = secret(sasToken, sasTokenFile, "sas-token-file")).isPresent()) {
                authentication = new AzureBlobStoreConfig.Authentication.SasToken(secret.get());
            } else {
                authentication = new AzureBlobStoreConfig.Authentication.DefaultCredential();
            }
            return new AzureBlobStoreConfig(container, blobEndpoint(), authentication, AzureBlobStoreConfig.Retry.DEFAULT);
        }

        private static Optional<String> secret(Optional<String> value, Optional<Path> file, String fileKey) throws IOException {
            if (value.isPresent()) {
                return value;
            }
            if (file.isEmpty()) {
                return Optional.empty();
            }
            try {
                String content = Files.readString(file.get()).strip();
                if (content.isEmpty()) {
                    throw new IOException("lake.azure." + fileKey + ": the file " + file.get() + " is empty");
                }
                return Optional.of(content);
            } catch (IOException e) {
                throw new IOException("lake.azure." + fileKey + ": cannot read " + file.get() + ": " + e.getMessage(), e);
            }
        }

        private static void requireOne(Optional<String> value, Optional<Path> file, String key) {
            if (value.isPresent() && file.isPresent()) {
                throw new IllegalArgumentException("lake.azure." + key + " and lake.azure." + key + "-file are both set; choose one");
            }
        }

        @Override
        public String toString() {
            return "AzureSection[account=" + account.orElse("") + ", endpoint=" + endpoint.orElse("")
                    + ", container=" + container.orElse("") + ", prefix=" + prefix + ", authentication="
                    + authenticationName() + " (secret hidden)]";
        }
    }

    /**
     * One external read-only source: the Parquet or CSV files below a prefix of a local folder or an
     * Azure container, served as the table {@code name}.
     *
     * @param name {@code schema.table}
     * @param store {@code local} or {@code azure}; when not set, {@code local} if {@code path} is set, else {@code azure}
     * @param path the local folder (local sources)
     * @param container the Azure container (Azure sources; default {@code lake.azure.container})
     * @param prefix the files' folder in the folder or container, ending with {@code /}; empty for all
     * @param format {@code parquet} or {@code csv}
     */
    public record SourceSection(String name, String store, Optional<Path> path, Optional<String> container, String prefix,
            String format) {
        public static final String PARQUET = "parquet";
        public static final String CSV = "csv";

        public SourceSection {
            if (name == null) {
                throw new IllegalArgumentException("lake.sources: every source needs a name (schema.table)");
            }
            String[] parts = name.split("\\.", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("lake.sources: the name '" + name + "' is not schema.table");
            }
            requireIdentifier("lake.sources name " + name + ": schema", parts[0]);
            requireIdentifier("lake.sources name " + name + ": table", parts[1]);
            path = orEmpty(path);
            container = orEmpty(container);
            store = store == null ? (path.isPresent() ? LakeSection.LOCAL : LakeSection.AZURE) : store;
            prefix = prefix == null ? "" : prefix;
            format = format == null ? PARQUET : format;
            String where = "lake.sources " + name + ": ";
            if (!format.equals(PARQUET) && !format.equals(CSV)) {
                throw new IllegalArgumentException(where + "format '" + format + "' is not parquet or csv");
            }
            if (store.equals(LakeSection.LOCAL)) {
                if (path.isEmpty() || container.isPresent()) {
                    throw new IllegalArgumentException(where + "a local source needs path and no container");
                }
            } else if (store.equals(LakeSection.AZURE)) {
                if (path.isPresent()) {
                    throw new IllegalArgumentException(where + "an Azure source has a container and a prefix, not a path");
                }
            } else {
                throw new IllegalArgumentException(where + "store '" + store + "' is not local or azure");
            }
            if (!prefix.isEmpty()) {
                try {
                    BlobName.requireValidPrefix(prefix);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(where + "prefix: " + e.getMessage());
                }
            }
        }

        public boolean azure() {
            return store.equals(LakeSection.AZURE);
        }

        public String schema() {
            return name.substring(0, name.indexOf('.'));
        }

        public String table() {
            return name.substring(name.indexOf('.') + 1);
        }
    }

    /** The disk cache of files copied from blob stores (the Azure lake and external sources). */
    public record CacheSection(Path directory, String maxSize, Integer downloadThreads, Duration gracePeriod) {
        public CacheSection {
            directory = directory == null ? Path.of("pondhouse-cache") : directory;
            maxSize = maxSize == null ? "20GB" : maxSize;
            downloadThreads = downloadThreads == null ? 4 : downloadThreads;
            gracePeriod = gracePeriod == null ? Duration.ofMinutes(10) : gracePeriod;
            if (ByteSize.parse("cache.max-size", maxSize) < 1) {
                throw new IllegalArgumentException("cache.max-size: " + maxSize + " must be positive");
            }
            if (downloadThreads < 1 || downloadThreads > 64) {
                throw new IllegalArgumentException("cache.download-threads: " + downloadThreads + " must be from 1 to 64");
            }
            if (gracePeriod.isNegative()) {
                throw new IllegalArgumentException("cache.grace-period must not be negative");
            }
        }

        static CacheSection defaults() {
            return new CacheSection(null, null, null, null);
        }

        public long maxSizeBytes() {
            return ByteSize.parse("cache.max-size", maxSize);
        }
    }

    private static <T> Optional<T> orEmpty(Optional<T> value) {
        return value == null ? Optional.empty() : value;
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
            Duration timeout, String memoryPerQuery, Duration unclaimedResultTimeout, Map<String, RoleLimits> roleLimits) {
        public QuerySection {
            roleLimits = roleLimits == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(roleLimits));
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
            return new QuerySection(null, null, null, null, null, null, null, null);
        }

        public long batchTargetBytes() {
            return ByteSize.parse("query.batch-target-size", batchTargetSize);
        }

        public long memoryPerQueryBytes() {
            return ByteSize.parse("query.memory-per-query", memoryPerQuery);
        }
    }

    /**
     * Limits for the users holding a role ({@code query.role-limits.<role>}); each limit left out
     * falls back to the server-wide one. A user with several such roles gets the first role's
     * limits in file order.
     */
    public record RoleLimits(Optional<Duration> timeout, Optional<String> memoryPerQuery,
            Optional<Integer> maxConcurrentPerUser) {
        public RoleLimits {
            timeout = timeout == null ? Optional.empty() : timeout;
            memoryPerQuery = memoryPerQuery == null ? Optional.empty() : memoryPerQuery;
            maxConcurrentPerUser = maxConcurrentPerUser == null ? Optional.empty() : maxConcurrentPerUser;
            memoryPerQuery.ifPresent(size -> ByteSize.parse("query.role-limits.*.memory-per-query", size));
            if (maxConcurrentPerUser.isPresent() && maxConcurrentPerUser.get() < 1) {
                throw new IllegalArgumentException("query.role-limits.*.max-concurrent-per-user: "
                        + maxConcurrentPerUser.get() + " must be at least 1");
            }
            if (timeout.isPresent() && timeout.get().isNegative()) {
                throw new IllegalArgumentException("query.role-limits.*.timeout must not be negative");
            }
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

    /**
     * Who may log in, and what they may read. Users come from the users file or from a database
     * ({@code users-jdbc}), never both; {@code serve} needs one of them.
     */
    public record AuthSection(Optional<Path> usersFile, UsersJdbcSection usersJdbc, JwtSection jwt,
            Optional<Path> rulesFile, Duration tokenLifetime, Duration tokenIdleTimeout, Integer maxTokensPerUser) {
        public AuthSection {
            usersFile = usersFile == null ? Optional.empty() : usersFile;
            usersJdbc = usersJdbc == null ? UsersJdbcSection.defaults() : usersJdbc;
            jwt = jwt == null ? JwtSection.defaults() : jwt;
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
            if (usersFile.isPresent() && usersJdbc.configured()) {
                throw new IllegalArgumentException("auth.users-file and auth.users-jdbc.url are both set; users come"
                        + " from one of them, choose one");
            }
        }

        static AuthSection defaults() {
            return new AuthSection(null, null, null, null, null, null, null);
        }
    }

    /**
     * Bearer JWTs of one identity provider (e.g. Microsoft Entra ID), accepted besides the users'
     * passwords: {@code issuer}, {@code audience} and {@code jwks-file} together, or none of them.
     */
    public record JwtSection(Optional<String> issuer, Optional<String> audience, Optional<Path> jwksFile,
            String userClaim, String rolesClaim) {
        public JwtSection {
            issuer = orEmpty(issuer);
            audience = orEmpty(audience);
            jwksFile = orEmpty(jwksFile);
            userClaim = userClaim == null ? TrustedJwtIssuer.DEFAULT_USER_CLAIM : userClaim;
            rolesClaim = rolesClaim == null ? TrustedJwtIssuer.DEFAULT_ROLES_CLAIM : rolesClaim;
            boolean any = issuer.isPresent() || audience.isPresent() || jwksFile.isPresent();
            if (any && (issuer.isEmpty() || audience.isEmpty() || jwksFile.isEmpty())) {
                throw new IllegalArgumentException("auth.jwt: issuer, audience and jwks-file must be set together");
            }
            if (issuer.map(String::isBlank).orElse(false) || audience.map(String::isBlank).orElse(false)
                    || userClaim.isBlank() || rolesClaim.isBlank()) {
                throw new IllegalArgumentException("auth.jwt: issuer, audience, user-claim and roles-claim must not be blank");
            }
        }

        static JwtSection defaults() {
            return new JwtSection(null, null, null, null, null);
        }

        /** Whether bearer JWTs are accepted. */
        public boolean configured() {
            return issuer.isPresent();
        }

        /** The trusted issuer. @throws IllegalStateException if not {@link #configured()} */
        public TrustedJwtIssuer trustedIssuer() {
            if (!configured()) {
                throw new IllegalStateException("auth.jwt is not configured");
            }
            return new TrustedJwtIssuer(issuer.get(), audience.get(), jwksFile.get(), userClaim, rolesClaim);
        }
    }

    /**
     * Users, password hashes and roles read from a database over JDBC (any driver on the class
     * path). The database password comes from the environment or a file, never the configuration
     * file; {@link #toString()} hides it.
     *
     * @param cacheTime how long an answer about a logged-in user (exists? which roles?) is reused
     */
    public record UsersJdbcSection(Optional<String> url, Optional<String> user, Optional<String> password,
            Optional<Path> passwordFile, String passwordQuery, String rolesQuery, Duration cacheTime) {
        /** The keys whose values are secrets: only from the environment, never from the file or --set. */
        public static final Set<String> SECRET_KEYS = Set.of("password");

        public UsersJdbcSection {
            url = orEmpty(url);
            user = orEmpty(user);
            password = orEmpty(password);
            passwordFile = orEmpty(passwordFile);
            passwordQuery = passwordQuery == null ? UserDatabase.DEFAULT_PASSWORD_QUERY : passwordQuery;
            rolesQuery = rolesQuery == null ? UserDatabase.DEFAULT_ROLES_QUERY : rolesQuery;
            cacheTime = cacheTime == null ? JdbcUserAuthenticator.DEFAULT_CACHE_TIME : cacheTime;
            if (url.isEmpty() && (user.isPresent() || password.isPresent() || passwordFile.isPresent()
                    || !passwordQuery.equals(UserDatabase.DEFAULT_PASSWORD_QUERY)
                    || !rolesQuery.equals(UserDatabase.DEFAULT_ROLES_QUERY))) {
                throw new IllegalArgumentException("auth.users-jdbc: keys are set but auth.users-jdbc.url is not");
            }
            if (password.isPresent() && passwordFile.isPresent()) {
                throw new IllegalArgumentException("auth.users-jdbc.password and auth.users-jdbc.password-file are both"
                        + " set; choose one");
            }
            if (passwordQuery.isBlank() || rolesQuery.isBlank()) {
                throw new IllegalArgumentException("auth.users-jdbc: the password and roles queries must not be blank");
            }
            if (cacheTime.isNegative()) {
                throw new IllegalArgumentException("auth.users-jdbc.cache-time must not be negative (0 asks every time)");
            }
            if (url.isPresent() && !url.get().startsWith("jdbc:")) {
                // The value is not repeated: a URL may carry credentials.
                throw new IllegalArgumentException("auth.users-jdbc.url is not a JDBC URL; it must start with jdbc:");
            }
        }

        static UsersJdbcSection defaults() {
            return new UsersJdbcSection(null, null, null, null, null, null, null);
        }

        /** Whether users come from a database. */
        public boolean configured() {
            return url.isPresent();
        }

        /** The database to read users from; reads the password file named here (at start-up, not at load). */
        public UserDatabase userDatabase() throws IOException {
            String jdbcUrl = url.orElseThrow(() -> new IllegalStateException("auth.users-jdbc.url is not set"));
            Optional<String> secret = password;
            if (passwordFile.isPresent()) {
                try {
                    // Only the line end is dropped: a password may begin or end with spaces.
                    String content = Files.readString(passwordFile.get()).replaceFirst("\\R\\z", "");
                    if (content.isEmpty()) {
                        throw new IOException("the file is empty");
                    }
                    secret = Optional.of(content);
                } catch (IOException e) {
                    throw new IOException("auth.users-jdbc.password-file: cannot read " + passwordFile.get() + ": "
                            + e.getMessage(), e);
                }
            }
            return new UserDatabase(jdbcUrl, user, secret, passwordQuery, rolesQuery);
        }

        @Override
        public String toString() {
            return "UsersJdbcSection[url=" + url.map(value -> new UserDatabase(value).redactedUrl()).orElse("")
                    + ", user=" + user.orElse("") + ", password=" + (password.isPresent() ? "(hidden)"
                    : passwordFile.map(file -> "from " + file).orElse("none")) + ", passwordQuery=" + passwordQuery
                    + ", rolesQuery=" + rolesQuery + ", cacheTime=" + cacheTime + "]";
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
     * Pipelines, and the DuckDB instance that jobs (pipelines and ingest) run on: not the query
     * engine, but a separate, unlocked one, the only one that writes files.
     *
     * @param directory the folder of pipeline definitions, one {@code <name>.yaml} each; none when empty
     * @param workDirectory where jobs stage Parquet files before they are committed, and where their
     *     DuckDB spills; default {@code <lake.root>/_pondhouse-work} for a local lake, and for a lake in
     *     Azure the folder {@code pondhouse-work} next to the cache folder (never inside it: the cache
     *     deletes files it does not know)
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

        /**
         * The work directory: the configured one; else {@code _pondhouse-work} in the lake folder of a
         * local lake, or {@code pondhouse-work} next to the cache folder when the lake is in Azure.
         */
        public Path workDirectoryFor(LakeSection lake, CacheSection cache) {
            if (workDirectory.isPresent()) {
                return workDirectory.get();
            }
            if (lake.inAzure()) {
                return cache.directory().toAbsolutePath().normalize().resolveSibling("pondhouse-work");
            }
            return lake.root().resolve("_pondhouse-work");
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
