package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.security.AuthenticatedUser;
import dev.pondhouse.security.AuthenticationResult;
import dev.pondhouse.security.UserAuthenticator;
import dev.pondhouse.server.audit.AuditEvent;
import dev.pondhouse.server.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.auth2.Auth2Constants;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator.AuthResult;
import org.junit.jupiter.api.Test;

/** Login tokens: lifetime, idle expiry, the cap per user, revocation, and what the audit log gets. */
class BearerTokenAuthenticatorTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-28T09:00:00Z"));
    private final Users users = new Users();
    private final List<AuditEvent> audit = new ArrayList<>();
    private final Map<String, String> grants = new HashMap<>();
    private final BearerTokenAuthenticator authenticator = new BearerTokenAuthenticator(users, Duration.ofHours(8),
            Duration.ofMinutes(30), 2, user -> grants.getOrDefault(user.name(), ""), audit::add, clock);

    @Test
    void loginGivesATokenThatWorksUntilItExpires() {
        users.add("alice", "secret", "reader");
        String token = login("alice", "secret");
        assertThat(resume(token).getPeerIdentity()).isEqualTo("alice");
        clock.advance(Duration.ofMinutes(29));
        assertThat(resume(token).getPeerIdentity()).isEqualTo("alice");
        clock.advance(Duration.ofMinutes(31));
        assertThatThrownBy(() -> resume(token)).hasMessageContaining("expired");

        String later = login("alice", "secret");
        for (int i = 0; i < 16; i++) {
            clock.advance(Duration.ofMinutes(29));
            resume(later);
        }
        clock.advance(Duration.ofMinutes(29));
        assertThatThrownBy(() -> resume(later)).as("absolute lifetime of 8 h").hasMessageContaining("expired");
    }

    @Test
    void refusedLoginsLookTheSameAndAreAudited() {
        users.add("alice", "secret", "reader");
        assertThatThrownBy(() -> login("alice", "wrong")).hasMessageContaining("invalid credentials");
        assertThatThrownBy(() -> login("nobody", "secret")).hasMessageContaining("invalid credentials");
        users.throttle("alice");
        assertThatThrownBy(() -> login("alice", "secret")).hasMessageContaining("invalid credentials");
        assertThat(audit).extracting(AuditEvent::outcome).containsExactly(
                AuditEvent.Outcome.FAILURE, AuditEvent.Outcome.FAILURE, AuditEvent.Outcome.THROTTLED);
        assertThat(audit).extracting(AuditEvent::clientAddress).containsOnly(Optional.of("192.0.2.7"));
        assertThat(audit.toString()).doesNotContain("secret").doesNotContain("wrong");
    }

    @Test
    void aUserHoldsAtMostTheCapOfTokensTheOldestGoingFirst() {
        users.add("alice", "secret", "reader");
        String first = login("alice", "secret");
        clock.advance(Duration.ofSeconds(1));
        String second = login("alice", "secret");
        clock.advance(Duration.ofSeconds(1));
        String third = login("alice", "secret");
        assertThatThrownBy(() -> resume(first)).hasMessageContaining("log in again");
        assertThat(resume(second).getPeerIdentity()).isEqualTo("alice");
        assertThat(resume(third).getPeerIdentity()).isEqualTo("alice");
    }

    @Test
    void tokensAreRevokedWhenTheUserIsRemovedOrTheirRolesOrRulesChange() {
        users.add("alice", "secret", "reader");
        users.add("bob", "secret", "reader");
        users.add("carol", "secret", "reader");
        String alice = login("alice", "secret");
        String bob = login("bob", "secret");
        String carol = login("carol", "secret");

        users.remove("alice");
        assertThatThrownBy(() -> resume(alice)).hasMessageContaining("log in again");

        users.add("bob", "secret", "admin");
        assertThatThrownBy(() -> resume(bob)).hasMessageContaining("log in again");

        assertThat(resume(carol).getPeerIdentity()).isEqualTo("carol");
        grants.put("carol", "rules changed");
        assertThatThrownBy(() -> resume(carol)).hasMessageContaining("log in again");
        assertThatThrownBy(() -> resume(carol)).as("revoked for good").hasMessageContaining("unknown or expired");
    }

    @Test
    void usersThatCannotBeReadMakeCallsUnavailableWithoutLosingTheToken() {
        users.add("alice", "secret", "reader");
        String token = login("alice", "secret");
        users.unavailable = true;

        assertThatThrownBy(() -> resume(token)).hasMessageContaining("users cannot be checked right now");
        assertThatThrownBy(() -> login("alice", "secret"))
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(org.apache.arrow.flight.FlightStatusCode.UNAVAILABLE))
                .hasMessageNotContaining("database is down");
        assertThat(audit).extracting(AuditEvent::outcome).containsExactly(AuditEvent.Outcome.SUCCESS);

        users.unavailable = false;
        assertThat(resume(token).getPeerIdentity()).isEqualTo("alice");
    }

    @Test
    void bearerCredentialOfAnIdentityProviderAuthenticatesEachCallOnItsOwn() {
        users.externalCredentials.put("header.erin.signature", new AuthenticatedUser("erin", Set.of("analyst")));

        AuthResult result = resume("header.erin.signature");
        assertThat(result.getPeerIdentity()).isEqualTo("erin");
        CallHeaders outgoing = new FlightCallHeaders();
        result.appendToOutgoingHeaders(outgoing);
        assertThat(outgoing.keys()).as("no token of ours is handed out").isEmpty();

        assertThatThrownBy(() -> resume("header.forged.signature")).hasMessageContaining("invalid credentials");
        assertThatThrownBy(() -> resume("notOneOfOurs")).hasMessageContaining("unknown or expired");
        users.unavailable = true;
        assertThatThrownBy(() -> resume("header.erin.signature")).hasMessageContaining("users cannot be checked right now");
    }

    private String login(String user, String password) {
        CallHeaders headers = new FlightCallHeaders();
        headers.insert(Auth2Constants.AUTHORIZATION_HEADER, Auth2Constants.BASIC_PREFIX
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        headers.insert(ClientAddressTracer.HEADER, "192.0.2.7");
        AuthResult result = authenticator.authenticate(headers);
        CallHeaders outgoing = new FlightCallHeaders();
        result.appendToOutgoingHeaders(outgoing);
        String bearer = outgoing.get(Auth2Constants.AUTHORIZATION_HEADER);
        assertThat(bearer).startsWith(Auth2Constants.BEARER_PREFIX);
        return bearer.substring(Auth2Constants.BEARER_PREFIX.length());
    }

    private AuthResult resume(String token) {
        CallHeaders headers = new FlightCallHeaders();
        headers.insert(Auth2Constants.AUTHORIZATION_HEADER, Auth2Constants.BEARER_PREFIX + token);
        try {
            return authenticator.authenticate(headers);
        } catch (FlightRuntimeException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Users in memory; a throttled name is refused whatever its password. */
    private static final class Users implements UserAuthenticator {
        private final Map<String, String> passwords = new HashMap<>();
        private final Map<String, AuthenticatedUser> accounts = new HashMap<>();
        private final Set<String> throttled = new java.util.HashSet<>();
        /** Bearer credentials of an identity provider, and whom they name. */
        final Map<String, AuthenticatedUser> externalCredentials = new HashMap<>();
        /** When set, every call fails as a users database that does not answer. */
        boolean unavailable;

        void add(String name, String password, String role) {
            passwords.put(name, password);
            accounts.put(name, new AuthenticatedUser(name, Set.of(role)));
        }

        void remove(String name) {
            passwords.remove(name);
            accounts.remove(name);
        }

        void throttle(String name) {
            throttled.add(name);
        }

        @Override
        public AuthenticationResult authenticate(String user, char[] password, Optional<String> clientAddress) {
            requireAvailable();
            if (throttled.contains(user)) {
                return new AuthenticationResult.Throttled(Duration.ofSeconds(1));
            }
            String expected = passwords.get(user);
            if (expected != null && Arrays.equals(expected.toCharArray(), password)) {
                return new AuthenticationResult.Success(accounts.get(user));
            }
            return new AuthenticationResult.Invalid();
        }

        @Override
        public Optional<AuthenticatedUser> findUser(String name) {
            requireAvailable();
            return Optional.ofNullable(accounts.get(name));
        }

        @Override
        public Optional<AuthenticatedUser> authenticateBearer(String credential) {
            requireAvailable();
            return Optional.ofNullable(externalCredentials.get(credential));
        }

        private void requireAvailable() {
            if (unavailable) {
                throw new IllegalStateException("database is down");
            }
        }
    }
}
