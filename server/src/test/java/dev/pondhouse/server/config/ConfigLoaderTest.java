package dev.pondhouse.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    @TempDir
    Path folder;

    private Optional<Path> file(String yaml) throws Exception {
        Path file = folder.resolve("pondhouse.yaml");
        Files.writeString(file, yaml);
        return Optional.of(file);
    }

    @Test
    void defaultsNeedAnExplicitChoiceAboutTls() {
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(), Map.of("flight.port", "1234")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("flight.plaintext: true");
    }

    @Test
    void readsEveryKindOfValue() throws Exception {
        ServerConfig config = loader.load(file("""
                flight:
                  host: 0.0.0.0
                  port: 4000
                  plaintext: true
                lake:
                  root: /data/lake
                  catalog: lakehouse
                  default-schema: sales
                  refresh-interval: 5m
                query:
                  memory-per-query: 512MB
                  timeout: 90s
                sessions:
                  max: 10
                """), Map.of(), Map.of());

        assertThat(config.flight().host()).isEqualTo("0.0.0.0");
        assertThat(config.flight().port()).isEqualTo(4000);
        assertThat(config.lake().root()).isEqualTo(Path.of("/data/lake"));
        assertThat(config.lake().catalog()).isEqualTo("lakehouse");
        assertThat(config.lake().refreshInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.query().memoryPerQueryBytes()).isEqualTo(512_000_000L);
        assertThat(config.query().timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.sessions().max()).isEqualTo(10);
        assertThat(config.sessions().idleTimeout()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void readsPipelinesAndIngestSections() throws Exception {
        ServerConfig config = loader.load(file("""
                flight:
                  plaintext: true
                lake:
                  root: /data/lake
                pipelines:
                  directory: /etc/pondhouse/pipelines
                  threads: 3
                  memory-limit: 4GB
                ingest:
                  tables:
                    - table: sales.events
                      partition-by: [day]
                  folders:
                    - table: sales.events
                      source: /data/incoming/events
                      format: csv
                """), Map.of(), Map.of());

        assertThat(config.pipelines().directory()).contains(Path.of("/etc/pondhouse/pipelines"));
        assertThat(config.pipelines().threads()).isEqualTo(3);
        assertThat(config.pipelines().workDirectoryFor(config.lake(), config.cache())).isEqualTo(Path.of("/data/lake/_pondhouse-work"));
        assertThat(config.ingest().partitionBy("sales", "events")).containsExactly("day");
        assertThat(config.ingest().partitionBy("sales", "other")).isEmpty();
        assertThat(config.ingest().folders()).singleElement().satisfies(folder -> {
            assertThat(folder.source()).isEqualTo(Path.of("/data/incoming/events"));
            assertThat(folder.format()).isEqualTo("csv");
        });
        assertThatThrownBy(() -> loader.load(file("""
                ingest:
                  tables:
                    - table: events
                """), Map.of(), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a table name of the form schema.table");
    }

    @Test
    void flagsBeatEnvironmentBeatsFile() throws Exception {
        Optional<Path> file = file("flight:\n  plaintext: true\n  port: 1000\nsessions:\n  max: 5\n");
        ServerConfig config = loader.load(file,
                Map.of("PONDHOUSE_FLIGHT_PORT", "2000", "PONDHOUSE_SESSIONS_MAX", "7", "HOME", "/root"),
                Map.of("flight.port", "3000"));

        assertThat(config.flight().port()).isEqualTo(3000);
        assertThat(config.sessions().max()).isEqualTo(7);
    }

    @Test
    void theLaunchersOwnVariablesAreNotConfiguration() {
        ServerConfig config = loader.load(Optional.empty(),
                Map.of("PONDHOUSE_JAVA_OPTS", "-Xmx8g -Dx=y", "PONDHOUSE_CLASSPATH", "/opt/drivers/pg.jar",
                        "PONDHOUSE_FLIGHT_PORT", "2000", "PONDHOUSE_FLIGHT_PLAINTEXT", "true"),
                Map.of());

        assertThat(config.flight().port()).isEqualTo(2000);
    }

    @Test
    void environmentNamesMapToKebabCaseKeys() {
        ServerConfig config = loader.load(Optional.empty(),
                Map.of("PONDHOUSE_FLIGHT_PLAINTEXT", "true", "PONDHOUSE_LAKE_DEFAULT_SCHEMA", "tpch"), Map.of());

        assertThat(config.lake().defaultSchema()).isEqualTo("tpch");
    }

    @Test
    void unknownKeyIsNamedWithTheKnownOnes() throws Exception {
        Optional<Path> file = file("flight:\n  plaintext: true\n  prot: 1000\n");

        assertThatThrownBy(() -> loader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'flight.prot'")
                .hasMessageContaining("port");
    }

    @Test
    void unknownSectionIsAnError() throws Exception {
        Optional<Path> file = file("flight:\n  plaintext: true\nflihgt:\n  port: 1\n");

        assertThatThrownBy(() -> loader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'flihgt'");
    }

    @Test
    void badValuesNameKeyValueAndReason() throws Exception {
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\n  port: abc\n"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("flight.port")
                .hasMessageContaining("abc");
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\n  port: 70000\n"), Map.of(), Map.of()))
                .hasMessageContaining("flight.port: 70000 is not a TCP port");
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\nquery:\n  timeout: soon\n"), Map.of(), Map.of()))
                .hasMessageContaining("query.timeout")
                .hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\nquery:\n  memory-per-query: lots\n"), Map.of(), Map.of()))
                .hasMessageContaining("query.memory-per-query: 'lots' is not a size");
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\nlake:\n  catalog: \"my catalog\"\n"), Map.of(), Map.of()))
                .hasMessageContaining("lake.catalog: 'my catalog' is not a plain identifier");
    }

    @Test
    void malformedFilesAreReportedWithTheirName() throws Exception {
        Optional<Path> broken = file("flight: [unclosed\n");
        assertThatThrownBy(() -> loader.load(broken, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pondhouse.yaml is not valid YAML");
        Optional<Path> missing = Optional.of(folder.resolve("absent.yaml"));
        assertThatThrownBy(() -> loader.load(missing, Map.of(), Map.of()))
                .hasMessageContaining("absent.yaml does not exist");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(), Map.of("port", "1")))
                .hasMessageContaining("'port' is not a key of the form section.key");
    }

    @Test
    void tlsSettingsMustBeConsistent() {
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(), Map.of("flight.tls-certificate", "/c.pem")))
                .hasMessageContaining("flight.tls-certificate and flight.tls-key must be given together");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(),
                Map.of("flight.tls-certificate", "/c.pem", "flight.tls-key", "/k.pem", "flight.plaintext", "true")))
                .hasMessageContaining("choose one");
        ServerConfig tls = loader.load(Optional.empty(), Map.of(), Map.of("flight.tls-certificate", "/c.pem", "flight.tls-key", "/k.pem"));
        assertThat(tls.flight().tls()).isTrue();
    }

    @Test
    void durationsAcceptUnitsAndIso() {
        assertThat(ConfigLoader.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigLoader.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigLoader.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(ConfigLoader.parseDuration("0")).isEqualTo(Duration.ZERO);
        assertThat(ConfigLoader.parseDuration("PT15S")).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void theLakeIsALocalFolderServedInPlaceByDefault() {
        ServerConfig config = loader.load(Optional.empty(), Map.of(), Map.of("flight.plaintext", "true"));

        assertThat(config.lake().inAzure()).isFalse();
        assertThat(config.lake().sources()).isEmpty();
        assertThat(config.cache().directory()).isEqualTo(Path.of("pondhouse-cache"));
        assertThat(config.cache().maxSizeBytes()).isEqualTo(20_000_000_000L);
        assertThat(config.cache().downloadThreads()).isEqualTo(4);
        assertThat(config.cache().gracePeriod()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void readsAnAzureLakeWithSourcesAndCacheSettings() throws Exception {
        ServerConfig config = loader.load(file("""
                flight:
                  plaintext: true
                lake:
                  store: azure
                  azure:
                    account: pondlake
                    container: lake
                    prefix: tables/
                    account-key-file: /run/secrets/key
                  sources:
                    - name: sales.raw_orders
                      prefix: raw/orders/
                      format: csv
                    - name: sales.prices
                      path: /data/prices
                    - name: sales.other
                      container: raw
                cache:
                  directory: /var/cache/pondhouse
                  max-size: 50GB
                  download-threads: 8
                  grace-period: 2m
                """), Map.of(), Map.of());

        assertThat(config.lake().inAzure()).isTrue();
        assertThat(config.lake().azure().blobEndpoint()).hasValue("https://pondlake.blob.core.windows.net");
        assertThat(config.lake().azure().container()).hasValue("lake");
        assertThat(config.lake().azure().prefix()).isEqualTo("tables/");
        assertThat(config.lake().azure().authenticationName()).isEqualTo("account key");
        assertThat(config.lake().sources()).extracting(SourceSection::name, SourceSection::store,
                SourceSection::format).containsExactly(
                org.assertj.core.groups.Tuple.tuple("sales.raw_orders", "azure", "csv"),
                org.assertj.core.groups.Tuple.tuple("sales.prices", "local", "parquet"),
                org.assertj.core.groups.Tuple.tuple("sales.other", "azure", "parquet"));
        assertThat(config.cache().directory()).isEqualTo(Path.of("/var/cache/pondhouse"));
        assertThat(config.cache().maxSizeBytes()).isEqualTo(50_000_000_000L);
        assertThat(config.cache().downloadThreads()).isEqualTo(8);
        assertThat(config.cache().gracePeriod()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void nestedKeysComeFromTheEnvironmentAndTheCommandLine() throws Exception {
        Path keyFile = folder.resolve("key");
        Files.writeString(keyFile, "c2VjcmV0\n");
        ServerConfig config = loader.load(Optional.empty(),
                Map.of("PONDHOUSE_LAKE_AZURE_ACCOUNT", "pondlake", "PONDHOUSE_LAKE_AZURE_ACCOUNT_KEY_FILE", keyFile.toString(),
                        "PONDHOUSE_CACHE_MAX_SIZE", "1GB"),
                Map.of("flight.plaintext", "true", "lake.store", "azure", "lake.azure.container", "lake"));

        assertThat(config.lake().azure().account()).hasValue("pondlake");
        assertThat(config.lake().azure().container()).hasValue("lake");
        assertThat(config.cache().maxSizeBytes()).isEqualTo(1_000_000_000L);
        assertThat(config.lake().azure().storeConfig("lake").authentication())
                .isEqualTo(new dev.pondhouse.server.lake.blob.AzureBlobStoreConfig.Authentication.AccountKey("pondlake",
                        "c2VjcmV0"));
    }

    @Test
    void secretsAreReadFromTheEnvironmentOnlyAndNeverShown() throws Exception {
        ServerConfig config = loader.load(Optional.empty(),
                Map.of("PONDHOUSE_LAKE_AZURE_CONNECTION_STRING", "AccountKey=topsecret"),
                Map.of("flight.plaintext", "true", "lake.store", "azure", "lake.azure.container", "lake"));
        assertThat(config.lake().azure().authenticationName()).isEqualTo("connection string");
        assertThat(config.toString()).doesNotContain("topsecret");

        assertThatThrownBy(() -> loader.load(file("""
                flight:
                  plaintext: true
                lake:
                  azure:
                    sas-token: sv=2024&sig=topsecret
                """), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("lake.azure.sas-token is a secret")
                .hasMessageContaining("PONDHOUSE_LAKE_AZURE_SAS_TOKEN")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(),
                Map.of("flight.plaintext", "true", "lake.azure.account-key", "topsecret")))
                .hasMessageContaining("lake.azure.account-key is a secret")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void anAzureLakeNeedsAContainerAnAccountAndOneWayToSignIn() {
        Map<String, String> base = Map.of("flight.plaintext", "true", "lake.store", "azure");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(), base))
                .hasMessageContaining("lake.azure.container is not set");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(), with(base, "lake.azure.container", "lake")))
                .hasMessageContaining("set lake.azure.account");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of("PONDHOUSE_LAKE_AZURE_SAS_TOKEN", "sv=1"),
                with(base, "lake.azure.account-key-file", "/k")))
                .hasMessageContaining("choose one way to sign in");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(), with(base, "lake.store", "s3")))
                .hasMessageContaining("lake.store: 's3' is not a store");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(), with(base, "lake.azure.colour", "blue")))
                .hasMessageContaining("unknown key 'lake.azure.colour'");
        ServerConfig defaultCredential = loader.load(Optional.empty(), Map.of(),
                with(with(base, "lake.azure.container", "lake"), "lake.azure.account", "pondlake"));
        assertThat(defaultCredential.lake().azure().authenticationName()).isEqualTo("DefaultAzureCredential");
    }

    @Test
    void sourcesAreChecked() {
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\nlake:\n  sources:\n"
                + "    - name: orders\n      path: /x\n"), Map.of(), Map.of()))
                .hasMessageContaining("'orders' is not schema.table");
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\nlake:\n  sources:\n"
                + "    - name: s.orders\n      path: /x\n      format: json\n"), Map.of(), Map.of()))
                .hasMessageContaining("format 'json' is not parquet or csv");
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\nlake:\n  sources:\n"
                + "    - name: s.orders\n      prefix: raw/\n"), Map.of(), Map.of()))
                .hasMessageContaining("set lake.azure.account");
        assertThatThrownBy(() -> loader.load(file("flight:\n  plaintext: true\nlake:\n  sources:\n"
                + "    - name: s.a\n      path: /x\n    - name: s.a\n      path: /y\n"), Map.of(), Map.of()))
                .hasMessageContaining("the name s.a is used twice");
    }

    @Test
    void usersDatabaseIsReadFromTheFileAndTheEnvironment() throws Exception {
        Path passwordFile = folder.resolve("db-password");
        Files.writeString(passwordFile, " secret with spaces \n");
        ServerConfig config = loader.load(file("""
                flight:
                  plaintext: true
                auth:
                  users-jdbc:
                    url: jdbc:postgresql://db.example/pondhouse?sslmode=require
                    user: pondhouse
                    roles-query: SELECT role_name FROM grants WHERE login = ?
                    cache-time: 10s
                """), Map.of("PONDHOUSE_AUTH_USERS_JDBC_PASSWORD_FILE", passwordFile.toString()), Map.of());

        UsersJdbcSection jdbc = config.auth().usersJdbc();
        assertThat(jdbc.configured()).isTrue();
        assertThat(jdbc.cacheTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(jdbc.passwordQuery()).isEqualTo("SELECT password_hash FROM users WHERE name = ?");
        assertThat(jdbc.userDatabase()).isEqualTo(new dev.pondhouse.security.UserDatabase(
                "jdbc:postgresql://db.example/pondhouse?sslmode=require", Optional.of("pondhouse"),
                Optional.of(" secret with spaces "), "SELECT password_hash FROM users WHERE name = ?",
                "SELECT role_name FROM grants WHERE login = ?"));
        assertThat(config.auth().usersFile()).isEmpty();
        assertThat(ServerConfig.defaults().auth().usersJdbc().configured()).isFalse();
    }

    @Test
    void usersDatabasePasswordComesOnlyFromTheEnvironmentAndIsNeverShown() throws Exception {
        ServerConfig config = loader.load(Optional.empty(), Map.of("PONDHOUSE_AUTH_USERS_JDBC_PASSWORD", "topsecret"),
                Map.of("flight.plaintext", "true", "auth.users-jdbc.url", "jdbc:postgresql://db/users"));
        assertThat(config.auth().usersJdbc().userDatabase().password()).hasValue("topsecret");
        assertThat(config.toString()).doesNotContain("topsecret");
        assertThat(config.auth().usersJdbc().userDatabase().toString()).doesNotContain("topsecret");

        assertThatThrownBy(() -> loader.load(file("""
                flight:
                  plaintext: true
                auth:
                  users-jdbc:
                    url: jdbc:postgresql://db/users
                    password: topsecret
                """), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.users-jdbc.password is a secret")
                .hasMessageContaining("PONDHOUSE_AUTH_USERS_JDBC_PASSWORD")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(),
                Map.of("flight.plaintext", "true", "auth.users-jdbc.password", "topsecret")))
                .hasMessageContaining("auth.users-jdbc.password is a secret")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void usersComeFromTheFileOrTheDatabaseNotBoth() {
        Map<String, String> base = Map.of("flight.plaintext", "true");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(), with(with(base, "auth.users-file", "/etc/users.ini"),
                "auth.users-jdbc.url", "jdbc:duckdb:/srv/users.duckdb")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.users-file and auth.users-jdbc.url are both set");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(), with(base, "auth.users-jdbc.user", "pondhouse")))
                .hasMessageContaining("auth.users-jdbc.url is not");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(),
                with(base, "auth.users-jdbc.url", "postgresql://name:topsecret@db/users")))
                .hasMessageContaining("auth.users-jdbc.url is not a JDBC URL")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(), with(base, "auth.users-jdbc.colour", "blue")))
                .hasMessageContaining("unknown key 'auth.users-jdbc.colour'");
    }

    @Test
    void jwtIssuerIsReadWithDefaultClaimsAndNeedsItsThreeKeys() {
        ServerConfig config = loader.load(Optional.empty(), Map.of("PONDHOUSE_AUTH_JWT_AUDIENCE", "api://pondhouse"),
                Map.of("flight.plaintext", "true", "auth.jwt.issuer", "https://login.example/v2.0",
                        "auth.jwt.jwks-file", "/etc/pondhouse/jwks.json"));
        assertThat(config.auth().jwt().trustedIssuer()).isEqualTo(new dev.pondhouse.security.TrustedJwtIssuer(
                "https://login.example/v2.0", "api://pondhouse", Path.of("/etc/pondhouse/jwks.json"),
                "preferred_username", "roles"));
        assertThat(ServerConfig.defaults().auth().jwt().configured()).isFalse();

        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(),
                Map.of("flight.plaintext", "true", "auth.jwt.issuer", "https://login.example/v2.0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.jwt: issuer, audience and jwks-file must be set together");
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new java.util.HashMap<>(base);
        copy.put(key, value);
        return copy;
    }
}
