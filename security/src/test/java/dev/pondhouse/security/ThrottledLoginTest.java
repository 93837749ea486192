package dev.pondhouse.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.security.LoginThrottle.Limits;
import dev.pondhouse.security.PasswordHasher.Argon2Cost;
import dev.pondhouse.security.testing.MutableClock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.apache.shiro.authc.credential.DefaultPasswordService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ShiroUserAuthenticator} with its {@link LoginThrottle}: what is checked, counted and refused. */
class ThrottledLoginTest {
    private static final Optional<String> ADDRESS = Optional.of("192.0.2.1");
    /** Cheap hashes: these tests count checks, they do not time them. */
    private static final PasswordHasher CHEAP = new PasswordHasher(new Argon2Cost(64, 1, 1));
    private static String aliceHash;
    private static String unknownUserHash;

    private final MutableClock clock = new MutableClock();
    private CountingPasswordService passwords;
    private ShiroUserAuthenticator authenticator;

    @BeforeAll
    static void hashPasswords() {
        aliceHash = CHEAP.hash("alice's password".toCharArray());
        unknownUserHash = CHEAP.hash("nobody knows this".toCharArray());
    }

    @BeforeEach
    void createAuthenticator() {
        IniUserFile users = IniUserFileParser.parse("test", "[users]\nalice = \"" + aliceHash + "\", analyst\n");
        passwords = new CountingPasswordService(new DefaultPasswordService());
        LoginThrottle throttle = new LoginThrottle(new Limits(3, 5, Duration.ofMinutes(5), Duration.ofSeconds(1),
                Duration.ofMinutes(5), 100), clock);
        authenticator = new ShiroUserAuthenticator(users, passwords, unknownUserHash, throttle);
    }

    @Test
    void throttledAttemptChecksNoPasswordEvenTheRightOne() {
        for (int failure = 0; failure < 3; failure++) {
            assertThat(attempt("alice", "wrong")).isEqualTo(new AuthenticationResult.Invalid());
        }
        assertThat(passwords.checkedHashes()).hasSize(3);

        assertThat(attempt("alice", "alice's password")).isEqualTo(new AuthenticationResult.Throttled(Duration.ofSeconds(1)));
        assertThat(passwords.checkedHashes()).hasSize(3);

        clock.advance(Duration.ofSeconds(1));
        assertThat(attempt("alice", "alice's password"))
                .isEqualTo(new AuthenticationResult.Success(new AuthenticatedUser("alice", Set.of("analyst"))));
        assertThat(passwords.checkedHashes()).hasSize(4);
    }

    @Test
    void successClearsTheUsersFailures() {
        attempt("alice", "wrong");
        attempt("alice", "wrong");
        attempt("alice", "alice's password");

        attempt("alice", "wrong");
        attempt("alice", "wrong");

        assertThat(attempt("alice", "alice's password")).isInstanceOf(AuthenticationResult.Success.class);
    }

    @Test
    void unknownUsersAndEmptyPasswordsAreCountedAndThrottled() {
        attempt("mallory", "guess");
        attempt("mallory", "");
        attempt("mallory", "guess");

        assertThat(attempt("mallory", "guess")).isInstanceOf(AuthenticationResult.Throttled.class);
        // Two checks against the unknown-user hash; the empty password needed none; the throttled one none.
        assertThat(passwords.checkedHashes()).containsExactly(unknownUserHash, unknownUserHash);
    }

    @Test
    void addressIsThrottledAcrossUserNames() {
        for (int user = 0; user < 5; user++) {
            attempt("user" + user, "guess");
        }

        assertThat(attempt("alice", "alice's password")).isInstanceOf(AuthenticationResult.Throttled.class);
        assertThat(authenticator.authenticate("alice", "alice's password".toCharArray(), Optional.of("198.51.100.7")))
                .isInstanceOf(AuthenticationResult.Success.class);
    }

    @Test
    void findUserAnswersFromTheUsersInForce() {
        assertThat(authenticator.findUser("alice")).contains(new AuthenticatedUser("alice", Set.of("analyst")));
        assertThat(authenticator.findUser("mallory")).isEmpty();

        authenticator.replaceUsers(IniUserFileParser.parse("test", "[users]\nbob = \"" + aliceHash + "\", admin\n"));

        assertThat(authenticator.findUser("alice")).isEmpty();
        assertThat(authenticator.findUser("bob")).contains(new AuthenticatedUser("bob", Set.of("admin")));
        assertThat(attempt("alice", "alice's password")).isEqualTo(new AuthenticationResult.Invalid());
        assertThat(attempt("bob", "alice's password")).isInstanceOf(AuthenticationResult.Success.class);
    }

    private AuthenticationResult attempt(String user, String password) {
        return authenticator.authenticate(user, password.toCharArray(), ADDRESS);
    }
}
