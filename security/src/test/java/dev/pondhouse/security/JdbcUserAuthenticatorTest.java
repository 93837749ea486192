package dev.pondhouse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.security.LoginThrottle.Limits;
import dev.pondhouse.security.PasswordHasher.Argon2Cost;
import dev.pondhouse.security.testing.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.apache.shiro.authc.credential.DefaultPasswordService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JdbcUserAuthenticator} over a DuckDB file holding the default {@code users} and {@code user_roles} tables. */
class JdbcUserAuthenticatorTest {
    private static final Optional<String> ADDRESS = Optional.of("192.0.2.1");
    /** Cheap hashes: these tests count checks, they do not time them. */
    private static final PasswordHasher CHEAP = new PasswordHasher(new Argon2Cost(64, 1, 1));
    private static final Duration CACHE_TIME = Duration.ofSeconds(30);
    private static String aliceHash;
    private static String unknownUserHash;

    @TempDir
    Path folder;

    private final MutableClock clock = new MutableClock();
    private String url;
    private CountingPasswordService passwords;
    private JdbcUserAuthenticator authenticator;

    @BeforeAll
    static void hashPasswords() {
        aliceHash = CHEAP.hash("alice's password".toCharArray());
        unknownUserHash = CHEAP.hash("nobody knows this".toCharArray());
    }

    @BeforeEach
    void createDatabase() throws SQLException {
        url = "jdbc:duckdb:" + folder.resolve("users.duckdb");
        execute("CREATE TABLE users (name VARCHAR PRIMARY KEY, password_hash VARCHAR)",
                "CREATE TABLE user_roles (name VARCHAR, role VARCHAR)");
        addUser("alice", aliceHash, "analyst", "admin");
        passwords = new CountingPasswordService(new DefaultPasswordService());
        authenticator = authenticator(new UserDatabase(url));
        authenticator.start();
    }

    @Test
    void rightPasswordLogsInWithTheRolesOfTheDatabase() {
        assertThat(attempt("alice", "alice's password"))
                .isEqualTo(new AuthenticationResult.Success(new AuthenticatedUser("alice", Set.of("admin", "analyst"))));
        assertThat(passwords.checkedHashes()).containsExactly(aliceHash);
    }

    @Test
    void wrongPasswordAndUnknownUserAreInvalidAndEachCheckOneHash() {
        assertThat(attempt("alice", "wrong")).isEqualTo(new AuthenticationResult.Invalid());
        assertThat(attempt("mallory", "wrong")).isEqualTo(new AuthenticationResult.Invalid());
        assertThat(attempt("alice", "")).isEqualTo(new AuthenticationResult.Invalid());

        // The unknown user's password is checked against the hash nobody knows; the empty one against none.
        assertThat(passwords.checkedHashes()).containsExactly(aliceHash, unknownUserHash);
    }

    @Test
    void nameIsComparedExactlyAsTheQuerySays() {
        assertThat(attempt("Alice", "alice's password")).isEqualTo(new AuthenticationResult.Invalid());
        assertThat(attempt("alice' OR '1'='1", "alice's password")).isEqualTo(new AuthenticationResult.Invalid());
    }

    @Test
    void bcryptHashIsAccepted() throws SQLException {
        addUser("carol", ShiroUserAuthenticatorTest.bcryptHash("bcrypt password"), "analyst");

        assertThat(attempt("carol", "bcrypt password"))
                .isEqualTo(new AuthenticationResult.Success(new AuthenticatedUser("carol", Set.of("analyst"))));
    }

    @Test
    void storedPlainTextPasswordOrNullHashMakesTheUserUnknown() throws SQLException {
        addUser("plain", "secret", "analyst");
        addUser("nohash", null, "analyst");

        assertThat(attempt("plain", "secret")).isEqualTo(new AuthenticationResult.Invalid());
        assertThat(attempt("nohash", "anything")).isEqualTo(new AuthenticationResult.Invalid());
        assertThat(passwords.checkedHashes()).containsExactly(unknownUserHash, unknownUserHash);
        assertThat(authenticator.findUser("nohash")).isEmpty();
    }

    @Test
    void failuresAreThrottledLikeTheUsersFile() {
        for (int failure = 0; failure < 3; failure++) {
            assertThat(attempt("alice", "wrong")).isEqualTo(new AuthenticationResult.Invalid());
        }

        assertThat(attempt("alice", "alice's password")).isInstanceOf(AuthenticationResult.Throttled.class);
        assertThat(passwords.checkedHashes()).hasSize(3);
    }

    @Test
    void findUserAnswersFromTheDatabaseAndRemembersForTheCacheTime() throws SQLException {
        assertThat(authenticator.findUser("alice")).contains(new AuthenticatedUser("alice", Set.of("admin", "analyst")));
        assertThat(authenticator.findUser("mallory")).isEmpty();

        execute("DELETE FROM users WHERE name = 'alice'", "INSERT INTO users VALUES ('mallory', '" + aliceHash + "')");
        clock.advance(CACHE_TIME.minusSeconds(1));

        assertThat(authenticator.findUser("alice")).as("remembered").isPresent();
        assertThat(authenticator.findUser("mallory")).as("remembered").isEmpty();

        clock.advance(Duration.ofSeconds(1));

        assertThat(authenticator.findUser("alice")).isEmpty();
        assertThat(authenticator.findUser("mallory")).contains(new AuthenticatedUser("mallory", Set.of()));
    }

    @Test
    void loginReadsTheRolesAfreshAndRenewsTheRememberedAnswer() throws SQLException {
        assertThat(authenticator.findUser("alice").orElseThrow().roles()).containsExactly("admin", "analyst");
        execute("DELETE FROM user_roles WHERE name = 'alice' AND role = 'admin'");

        assertThat(attempt("alice", "alice's password"))
                .isEqualTo(new AuthenticationResult.Success(new AuthenticatedUser("alice", Set.of("analyst"))));
        assertThat(authenticator.findUser("alice").orElseThrow().roles()).containsExactly("analyst");
    }

    @Test
    void blankAndNullRolesAreSkipped() throws SQLException {
        execute("INSERT INTO user_roles VALUES ('alice', ' '), ('alice', NULL)");

        assertThat(authenticator.findUser("alice").orElseThrow().roles()).containsExactly("admin", "analyst");
    }

    @Test
    void customQueriesReadOtherTables() throws SQLException {
        execute("CREATE TABLE accounts (login VARCHAR, hash VARCHAR, groups VARCHAR[])",
                "INSERT INTO accounts VALUES ('dave', '" + aliceHash + "', ['reader', 'trial'])");
        JdbcUserAuthenticator custom = authenticator(new UserDatabase(url, Optional.empty(), Optional.empty(),
                "SELECT hash FROM accounts WHERE login = ?",
                "SELECT unnest(groups) FROM accounts WHERE login = ?"));
        custom.start();

        assertThat(custom.authenticate("dave", "alice's password".toCharArray(), ADDRESS))
                .isEqualTo(new AuthenticationResult.Success(new AuthenticatedUser("dave", Set.of("reader", "trial"))));
        assertThat(custom.authenticate("alice", "alice's password".toCharArray(), ADDRESS))
                .isEqualTo(new AuthenticationResult.Invalid());
    }

    @Test
    void badQueryStopsStartUpNamingTheQuery() {
        JdbcUserAuthenticator badPasswordQuery = authenticator(new UserDatabase(url, Optional.empty(), Optional.empty(),
                "SELECT password FROM people WHERE name = ?", UserDatabase.DEFAULT_ROLES_QUERY));
        JdbcUserAuthenticator badRolesQuery = authenticator(new UserDatabase(url, Optional.empty(), Optional.empty(),
                UserDatabase.DEFAULT_PASSWORD_QUERY, "SELECT role FROM user_roles"));

        assertThatThrownBy(badPasswordQuery::start)
                .isInstanceOf(UserDatabaseException.class)
                .hasMessageContaining("users database " + url)
                .hasMessageContaining("the password query 'SELECT password FROM people WHERE name = ?' failed")
                .hasMessageContaining("people");
        assertThatThrownBy(badRolesQuery::start)
                .isInstanceOf(UserDatabaseException.class)
                .hasMessageContaining("the roles query 'SELECT role FROM user_roles' failed");
    }

    @Test
    void urlNoDriverAcceptsStopsStartUpWithoutItsParameters() {
        JdbcUserAuthenticator noDriver = authenticator(new UserDatabase("jdbc:nosuchdatabase://db.example/users?password=hunter2"));

        assertThatThrownBy(noDriver::start)
                .isInstanceOf(UserDatabaseException.class)
                .hasMessage("users database jdbc:nosuchdatabase://db.example/users…: no JDBC driver on the class path"
                        + " accepts this URL; add the driver's jar to the class path (PONDHOUSE_CLASSPATH for ./pondhouse,"
                        + " /opt/pondhouse/lib/ in the container image)");
    }

    @Test
    void databaseThatCannotBeReadIsAnErrorNotAFailedLogin() throws SQLException {
        assertThat(authenticator.findUser("alice")).isPresent();
        execute("ALTER TABLE users RENAME TO users_away");
        clock.advance(CACHE_TIME);

        // As many errors as the throttle allows failures: none of them is counted as one.
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> attempt("alice", "wrong"))
                    .isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessage("authentication of a user could not be completed");
        }
        assertThatThrownBy(() -> authenticator.findUser("alice"))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("users database " + url + " cannot be read");

        execute("ALTER TABLE users_away RENAME TO users");
        assertThat(attempt("alice", "alice's password")).isInstanceOf(AuthenticationResult.Success.class);
    }

    @Test
    void twoRowsForOneNameAreAnError() throws SQLException {
        execute("CREATE TABLE doubled (name VARCHAR, password_hash VARCHAR)",
                "INSERT INTO doubled VALUES ('alice', '" + aliceHash + "'), ('alice', '" + aliceHash + "')");
        JdbcUserAuthenticator doubled = authenticator(new UserDatabase(url, Optional.empty(), Optional.empty(),
                "SELECT password_hash FROM doubled WHERE name = ?", UserDatabase.DEFAULT_ROLES_QUERY));

        assertThatThrownBy(() -> doubled.authenticate("alice", "alice's password".toCharArray(), ADDRESS))
                .isExactlyInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> doubled.findUser("alice"))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("more than one row for user 'alice'");
    }

    @Test
    void factoryMadeAuthenticatorLogsIn() {
        JdbcUserAuthenticator made = JdbcUserAuthenticator.create(new UserDatabase(url));
        made.start();

        assertThat(made.authenticate("alice", "alice's password".toCharArray(), ADDRESS))
                .isInstanceOf(AuthenticationResult.Success.class);
        assertThat(made.authenticate("mallory", "alice's password".toCharArray(), ADDRESS))
                .isEqualTo(new AuthenticationResult.Invalid());
    }

    @Test
    void descriptionHidesThePasswordAndTheUrlParameters() {
        UserDatabase database = new UserDatabase("jdbc:postgresql://pondhouse:hunter2@db.example/users?sslmode=require",
                Optional.of("pondhouse"), Optional.of("hunter3"), UserDatabase.DEFAULT_PASSWORD_QUERY,
                UserDatabase.DEFAULT_ROLES_QUERY);

        assertThat(database.toString())
                .contains("jdbc:postgresql://…@db.example/users…", "password=(hidden)")
                .doesNotContain("hunter2", "hunter3", "sslmode");
        assertThat(new UserDatabase("jdbc:sqlserver://db.example;password=hunter2").redactedUrl())
                .isEqualTo("jdbc:sqlserver://db.example…");
    }

    private JdbcUserAuthenticator authenticator(UserDatabase database) {
        LoginThrottle throttle = new LoginThrottle(new Limits(3, 5, Duration.ofMinutes(5), Duration.ofSeconds(1),
                Duration.ofMinutes(5), 100), clock);
        return new JdbcUserAuthenticator(database,
                new DriverManagerDataSource(database.url(), database.connectionProperties()), passwords, unknownUserHash,
                throttle, CACHE_TIME, clock);
    }

    private AuthenticationResult attempt(String user, String password) {
        return authenticator.authenticate(user, password.toCharArray(), ADDRESS);
    }

    private void addUser(String name, String hash, String... roles) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
                PreparedStatement user = connection.prepareStatement("INSERT INTO users VALUES (?, ?)");
                PreparedStatement role = connection.prepareStatement("INSERT INTO user_roles VALUES (?, ?)")) {
            user.setString(1, name);
            user.setString(2, hash);
            user.executeUpdate();
            for (String roleName : roles) {
                role.setString(1, name);
                role.setString(2, roleName);
                role.executeUpdate();
            }
        }
    }

    private void execute(String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
