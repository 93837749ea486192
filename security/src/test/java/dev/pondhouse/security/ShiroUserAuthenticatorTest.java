package dev.pondhouse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.shiro.authc.UsernamePasswordToken;
import org.apache.shiro.authc.credential.DefaultPasswordService;
import org.apache.shiro.authc.credential.PasswordService;
import org.apache.shiro.crypto.hash.DefaultHashService;
import org.apache.shiro.crypto.hash.HashRequest;
import org.apache.shiro.crypto.hash.format.Shiro2CryptFormat;
import org.apache.shiro.crypto.support.hashes.bcrypt.BCryptProvider;
import org.apache.shiro.mgt.DefaultSecurityManager;
import org.apache.shiro.session.mgt.DefaultSessionManager;
import org.apache.shiro.subject.SimplePrincipalCollection;
import org.apache.shiro.subject.Subject;
import org.apache.shiro.subject.support.DisabledSessionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ShiroUserAuthenticatorTest {
    private static final String ALICE_PASSWORD = "correct horse battery staple";
    private static final String BOB_PASSWORD = "Tr0ub4dor&3 — ünïcødé";
    private static final Optional<String> NO_ADDRESS = Optional.empty();
    private static String aliceHash;
    private static String bobHash;

    @BeforeAll
    static void hashPasswords() {
        PasswordHasher hasher = new PasswordHasher();
        aliceHash = hasher.hash(ALICE_PASSWORD.toCharArray());
        bobHash = hasher.hash(BOB_PASSWORD.toCharArray());
    }

    private static String usersFile() {
        return """
                # test users
                [users]
                alice = "%s", analyst, admin
                bob = "%s"

                [roles]
                admin = admin:*, "job:run:compaction,vacuum"
                """.formatted(aliceHash, bobHash);
    }

    @Test
    void rightPasswordAuthenticatesWithRoles() {
        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniText(usersFile());

        AuthenticatedUser alice = authenticated(authenticator, "alice", ALICE_PASSWORD);

        assertThat(alice).isEqualTo(new AuthenticatedUser("alice", Set.of("admin", "analyst")));
        assertThat(alice.roles()).containsExactly("admin", "analyst");
    }

    @Test
    void userWithoutRolesHasNone() {
        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniText(usersFile());

        AuthenticatedUser bob = authenticated(authenticator, "bob", BOB_PASSWORD);

        assertThat(bob.name()).isEqualTo("bob");
        assertThat(bob.roles()).isEmpty();
    }

    @Test
    void wrongPasswordAndUnknownUserGiveTheSameAnswer() {
        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniText(usersFile());

        assertThat(authenticator.authenticate("alice", BOB_PASSWORD.toCharArray(), NO_ADDRESS))
                .isEqualTo(new AuthenticationResult.Invalid());
        assertThat(authenticator.authenticate("mallory", ALICE_PASSWORD.toCharArray(), NO_ADDRESS))
                .isEqualTo(new AuthenticationResult.Invalid());
    }

    @Test
    void emptyPasswordAndOtherCaseOfNameFail() {
        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniText(usersFile());

        assertThat(authenticator.authenticate("alice", new char[0], NO_ADDRESS)).isEqualTo(new AuthenticationResult.Invalid());
        assertThat(authenticator.authenticate("ALICE", ALICE_PASSWORD.toCharArray(), NO_ADDRESS))
                .isEqualTo(new AuthenticationResult.Invalid());
        assertThat(authenticator.authenticate("", ALICE_PASSWORD.toCharArray(), NO_ADDRESS))
                .isEqualTo(new AuthenticationResult.Invalid());
    }

    @Test
    void callersPasswordArrayIsLeftAsItWas() {
        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniText(usersFile());
        char[] right = ALICE_PASSWORD.toCharArray();
        char[] wrong = "not it".toCharArray();

        assertThat(authenticator.authenticate("alice", right, NO_ADDRESS)).isInstanceOf(AuthenticationResult.Success.class);
        assertThat(authenticator.authenticate("alice", wrong, NO_ADDRESS)).isEqualTo(new AuthenticationResult.Invalid());

        assertThat(right).isEqualTo(ALICE_PASSWORD.toCharArray());
        assertThat(wrong).isEqualTo("not it".toCharArray());
    }

    @Test
    void unknownUserAndWrongPasswordBothCheckOneHashOfTheSameCost() {
        IniUserFile userFile = IniUserFileParser.parse("test", usersFile());
        String unknownUserHash = new PasswordHasher().hash("nobody knows this".toCharArray());
        CountingPasswordService passwords = new CountingPasswordService(new DefaultPasswordService());
        ShiroUserAuthenticator authenticator = new ShiroUserAuthenticator(userFile, passwords, unknownUserHash,
                LoginThrottle.withDefaults());

        assertThat(authenticator.authenticate("alice", "wrong".toCharArray(), NO_ADDRESS))
                .isEqualTo(new AuthenticationResult.Invalid());
        assertThat(passwords.checkedHashes()).containsExactly(aliceHash);

        assertThat(authenticator.authenticate("mallory", "wrong".toCharArray(), NO_ADDRESS))
                .isEqualTo(new AuthenticationResult.Invalid());
        assertThat(passwords.checkedHashes()).containsExactly(aliceHash, unknownUserHash);

        // Same algorithm and parameters (everything before the salt), so the same work.
        assertThat(parametersOf(unknownUserHash)).isEqualTo(parametersOf(aliceHash));
    }

    @Test
    void unknownUserThroughTheFactoriesStillPaysForAHash() {
        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniText(usersFile());
        long started = System.nanoTime();
        assertThat(authenticator.authenticate("mallory", "wrong".toCharArray(), NO_ADDRESS))
                .isEqualTo(new AuthenticationResult.Invalid());
        long unknownUserNanos = System.nanoTime() - started;

        // Not a benchmark: an unknown user that skipped hashing would take well under a millisecond,
        // while one argon2id check at the default cost takes tens of milliseconds.
        assertThat(TimeUnit.NANOSECONDS.toMillis(unknownUserNanos)).isGreaterThanOrEqualTo(5);
    }

    @Test
    void brokenPasswordCheckIsNotDisguisedAsInvalidCredentials() {
        IniUserFile userFile = IniUserFileParser.parse("test", usersFile());
        PasswordService broken = new PasswordService() {
            @Override
            public String encryptPassword(Object plaintextPassword) {
                throw new UnsupportedOperationException("not used");
            }

            @Override
            public boolean passwordsMatch(Object submittedPlaintext, String encrypted) {
                throw new IllegalStateException("hash provider broke");
            }
        };
        ShiroUserAuthenticator authenticator = new ShiroUserAuthenticator(userFile, broken, aliceHash,
                LoginThrottle.withDefaults());

        assertThatThrownBy(() -> authenticator.authenticate("alice", ALICE_PASSWORD.toCharArray(), NO_ADDRESS))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("authentication of a user could not be completed")
                .hasRootCauseMessage("hash provider broke");
    }

    @Test
    void bcryptHashIsAcceptedQuotedOrNot() {
        String bcrypt = bcryptHash("bcrypt password");
        assertThat(bcrypt).startsWith("$shiro2$2y$");
        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniText("""
                [users]
                carol = %s, analyst
                dave = "%s"
                """.formatted(bcrypt, bcrypt));

        assertThat(authenticated(authenticator, "carol", "bcrypt password"))
                .isEqualTo(new AuthenticatedUser("carol", Set.of("analyst")));
        assertThat(authenticated(authenticator, "dave", "bcrypt password").roles()).isEmpty();
        assertThat(authenticator.authenticate("carol", "bcrypt passworD".toCharArray(), NO_ADDRESS))
                .isEqualTo(new AuthenticationResult.Invalid());
    }

    @Test
    void unquotedArgon2HashIsRefusedWithTheReason() {
        String text = "[users]\nalice = " + aliceHash + ", admin\n";

        assertThatThrownBy(() -> ShiroUserAuthenticator.fromIniText(text))
                .isInstanceOf(InvalidUserFileException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("user 'alice'")
                .hasMessageContaining("must be in double quotes")
                .hasMessageNotContaining(saltAndHashOf(aliceHash));
    }

    @Test
    void demoUsersCanBeMadeAtStartUp() {
        String demoHash = new PasswordHasher().hash("demo".toCharArray());
        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniText(
                "[users]\ndemo = \"" + demoHash + "\"\n");

        assertThat(authenticated(authenticator, "demo", "demo").name()).isEqualTo("demo");
    }

    @Test
    void rolePermissionsReachShiroAuthorization() {
        DefaultSecurityManager securityManager = ShiroUserAuthenticator.fromIniText(usersFile()).securityManager();
        SimplePrincipalCollection alice = new SimplePrincipalCollection("alice", IniAccountRealm.NAME);
        SimplePrincipalCollection bob = new SimplePrincipalCollection("bob", IniAccountRealm.NAME);

        assertThat(securityManager.hasRole(alice, "analyst")).isTrue();
        assertThat(securityManager.isPermitted(alice, "admin:reload")).isTrue();
        assertThat(securityManager.isPermitted(alice, "job:run:vacuum")).isTrue();
        assertThat(securityManager.isPermitted(alice, "job:run:ingest")).isFalse();
        assertThat(securityManager.isPermitted(bob, "admin:reload")).isFalse();
    }

    @Test
    void shiroNeverCreatesSessions() {
        DefaultSecurityManager securityManager = ShiroUserAuthenticator.fromIniText(usersFile()).securityManager();

        Subject subject = securityManager.login(null, new UsernamePasswordToken("alice", ALICE_PASSWORD.toCharArray()));

        assertThat(subject.isAuthenticated()).isTrue();
        assertThat(subject.getSession(false)).isNull();
        assertThatThrownBy(subject::getSession).isInstanceOf(DisabledSessionException.class);
        assertThat(((DefaultSessionManager) securityManager.getSessionManager()).getSessionDAO().getActiveSessions()).isEmpty();
    }

    @Test
    void concurrentAuthenticationsGiveEachCallerItsOwnAnswer() throws Exception {
        // Limits high enough that the wrong passwords below are never throttled.
        LoginThrottle lenient = new LoginThrottle(new LoginThrottle.Limits(1000, 1000, Duration.ofMinutes(5),
                Duration.ofSeconds(1), Duration.ofMinutes(5), 100), Clock.systemUTC());
        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniText(usersFile(), lenient);
        int threads = 6;
        int attemptsPerThread = 4;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                int threadNumber = thread;
                results.add(executor.submit(() -> {
                    start.await();
                    List<String> outcomes = new ArrayList<>();
                    for (int attempt = 0; attempt < attemptsPerThread; attempt++) {
                        outcomes.add(attemptFor(authenticator, (threadNumber + attempt) % 4));
                    }
                    return outcomes;
                }));
            }
            start.countDown();
            for (int thread = 0; thread < threads; thread++) {
                List<String> expected = new ArrayList<>();
                for (int attempt = 0; attempt < attemptsPerThread; attempt++) {
                    expected.add(expectedOutcome((thread + attempt) % 4));
                }
                assertThat(results.get(thread).get(2, TimeUnit.MINUTES)).isEqualTo(expected);
            }
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
    }

    private static String attemptFor(ShiroUserAuthenticator authenticator, int kind) {
        AuthenticationResult result = switch (kind) {
            case 0 -> authenticator.authenticate("alice", ALICE_PASSWORD.toCharArray(), NO_ADDRESS);
            case 1 -> authenticator.authenticate("bob", BOB_PASSWORD.toCharArray(), NO_ADDRESS);
            case 2 -> authenticator.authenticate("alice", BOB_PASSWORD.toCharArray(), NO_ADDRESS);
            default -> authenticator.authenticate("mallory", ALICE_PASSWORD.toCharArray(), NO_ADDRESS);
        };
        if (result instanceof AuthenticationResult.Success success) {
            return success.user().name() + " " + success.user().roles();
        }
        return result.toString();
    }

    static AuthenticatedUser authenticated(UserAuthenticator authenticator, String user, String password) {
        AuthenticationResult result = authenticator.authenticate(user, password.toCharArray(), NO_ADDRESS);
        assertThat(result).isInstanceOf(AuthenticationResult.Success.class);
        return ((AuthenticationResult.Success) result).user();
    }

    private static String expectedOutcome(int kind) {
        return switch (kind) {
            case 0 -> "alice [admin, analyst]";
            case 1 -> "bob []";
            default -> new AuthenticationResult.Invalid().toString();
        };
    }

    /** {@code $shiro2$argon2id$v=19$t=3,m=32768,p=1$<salt>$<hash>} without salt and hash. */
    static String parametersOf(String hash) {
        return hash.substring(0, hash.lastIndexOf('$', hash.lastIndexOf('$') - 1));
    }

    static String saltAndHashOf(String hash) {
        return hash.substring(parametersOf(hash).length() + 1);
    }

    static String bcryptHash(String password) {
        HashRequest request = new HashRequest.Builder()
                .setSource(password.toCharArray())
                .setAlgorithmName("2y")
                .addParameter(BCryptProvider.Parameters.PARAMETER_COST, "10")
                .build();
        return new Shiro2CryptFormat().format(new DefaultHashService().computeHash(request));
    }
}
