package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.shiro.authc.credential.DefaultPasswordService;
import org.apache.shiro.authc.credential.PasswordService;

/**
 * Authenticates against users kept in a relational database, through Apache Shiro's {@code JdbcRealm} (see
 * {@link UserDatabase} for the queries). Logins work exactly as with the users file ({@link ShiroLogin}): the
 * same hash formats, the same check against a hash nobody knows for an unknown user, the same
 * {@link LoginThrottle}; a stored hash in a refused format makes the user unknown and is logged.
 *
 * <h2>Which driver</h2>
 *
 * <p>Connections come from {@link DriverManager}, so any JDBC driver on the class path that accepts the URL is
 * used (DuckDB's is always there; operators add e.g. PostgreSQL's jar). Each database call opens and closes
 * its own connection; there is no pool. Connect and read timeouts are the driver's, set in the URL.
 *
 * <h2>How fresh {@link #findUser} is</h2>
 *
 * <p>The server asks {@code findUser} on every call, so answers (also "no such user") are remembered for the
 * cache time ({@link #DEFAULT_CACHE_TIME} by default): a user removed from the database, or whose roles
 * changed, keeps their old standing for at most that long. A successful login always reads the roles afresh
 * and renews the remembered answer. At most {@value #MAXIMUM_REMEMBERED_USERS} names are remembered, the
 * least recently asked forgotten first.
 *
 * <h2>Failures</h2>
 *
 * <p>{@link #start()} connects and runs both queries once, so a wrong URL, a missing driver or a broken query
 * stops start-up with a {@link UserDatabaseException}. Later, a database that cannot be read makes
 * {@link #authenticate} and {@link #findUser} (when the answer is not remembered) throw
 * {@link IllegalStateException}; nothing is counted as a failed login and no stale answer is used.
 *
 * <p>Thread-safe: the login path is, the remembered answers are guarded by their map's monitor, and the
 * database is read outside it.
 */
public final class JdbcUserAuthenticator implements UserAuthenticator {
    public static final Duration DEFAULT_CACHE_TIME = Duration.ofSeconds(30);
    static final int MAXIMUM_REMEMBERED_USERS = 10_000;

    private final UserDatabase database;
    private final JdbcAccountRealm realm;
    private final ShiroLogin login;
    private final Duration cacheTime;
    private final Clock clock;
    /** Guarded by itself. */
    private final Map<String, RememberedAnswer> remembered = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RememberedAnswer> eldest) {
            return size() > MAXIMUM_REMEMBERED_USERS;
        }
    };

    /**
     * @param dataSource connections to {@code database}
     * @param cacheTime how long a {@link #findUser} answer is remembered; zero to ask the database every time
     */
    JdbcUserAuthenticator(UserDatabase database, DataSource dataSource, PasswordService passwordService,
            String unknownUserPasswordHash, LoginThrottle throttle, Duration cacheTime, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.cacheTime = requireNonNull(cacheTime, "cacheTime is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (cacheTime.isNegative()) {
            throw new IllegalArgumentException("cacheTime is negative: " + cacheTime);
        }
        this.realm = new JdbcAccountRealm(requireNonNull(dataSource, "dataSource is null"), database.passwordQuery(),
                database.rolesQuery());
        this.login = new ShiroLogin(realm, passwordService, unknownUserPasswordHash, throttle, this::readAndRemember);
    }

    /**
     * Users from {@code database}, failed logins throttled with {@link LoginThrottle.Limits#DEFAULT}, answers
     * remembered for {@link #DEFAULT_CACHE_TIME}. Call {@link #start()} before use.
     */
    public static JdbcUserAuthenticator create(UserDatabase database) {
        return create(database, LoginThrottle.withDefaults(), DEFAULT_CACHE_TIME, Clock.systemUTC());
    }

    /** Like {@link #create(UserDatabase)}, with the given throttle, cache time and clock. */
    public static JdbcUserAuthenticator create(UserDatabase database, LoginThrottle throttle, Duration cacheTime,
            Clock clock) {
        DataSource dataSource = new DriverManagerDataSource(database.url(), database.connectionProperties());
        return new JdbcUserAuthenticator(database, dataSource, new DefaultPasswordService(),
                ShiroLogin.nobodysPasswordHash(), throttle, cacheTime, clock);
    }

    /**
     * Checks that a driver accepts the URL, that the database answers, and that both queries run.
     *
     * @throws UserDatabaseException naming what failed and what to do
     */
    public void start() {
        try {
            DriverManager.getDriver(database.url());
        } catch (SQLException noDriver) {
            // Not attached: DriverManager's message repeats the whole URL, which may hold credentials.
            throw new UserDatabaseException("users database " + database.redactedUrl() + ": no JDBC driver on the"
                    + " class path accepts this URL; add the driver's jar to the class path"
                    + " (PONDHOUSE_CLASSPATH for ./pondhouse, /opt/pondhouse/lib/ in the container image)");
        }
        try {
            realm.checkQueries();
        } catch (SQLException e) {
            throw new UserDatabaseException("users database " + database.redactedUrl() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public AuthenticationResult authenticate(String user, char[] password, Optional<String> clientAddress) {
        return login.authenticate(user, password, clientAddress);
    }

    /**
     * The user as the database says, or said at most the cache time ago.
     *
     * @throws IllegalStateException if the answer is not remembered and the database cannot be read
     */
    @Override
    public Optional<AuthenticatedUser> findUser(String name) {
        requireNonNull(name, "name is null");
        Instant now = clock.instant();
        synchronized (remembered) {
            RememberedAnswer answer = remembered.get(name);
            if (answer != null && now.isBefore(answer.readAt().plus(cacheTime))) {
                return answer.user();
            }
        }
        return readAndRemember(name);
    }

    /** Reads {@code name} from the database now and remembers the answer. */
    private Optional<AuthenticatedUser> readAndRemember(String name) {
        Instant readAt = clock.instant();
        Optional<AuthenticatedUser> user;
        try {
            user = realm.readUser(name);
        } catch (SQLException e) {
            throw new IllegalStateException("users database " + database.redactedUrl() + " cannot be read: "
                    + e.getMessage(), e);
        }
        synchronized (remembered) {
            RememberedAnswer earlier = remembered.get(name);
            // A slower read that started earlier must not replace a newer answer.
            if (earlier == null || !earlier.readAt().isAfter(readAt)) {
                remembered.put(name, new RememberedAnswer(user, readAt));
            }
        }
        return user;
    }

    private record RememberedAnswer(Optional<AuthenticatedUser> user, Instant readAt) {}
}
