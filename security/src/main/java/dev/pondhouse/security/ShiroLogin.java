package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.apache.shiro.authc.AuthenticationException;
import org.apache.shiro.authc.AuthenticationInfo;
import org.apache.shiro.authc.IncorrectCredentialsException;
import org.apache.shiro.authc.UnknownAccountException;
import org.apache.shiro.authc.UsernamePasswordToken;
import org.apache.shiro.authc.credential.PasswordMatcher;
import org.apache.shiro.authc.credential.PasswordService;
import org.apache.shiro.mgt.DefaultSecurityManager;
import org.apache.shiro.mgt.DefaultSessionStorageEvaluator;
import org.apache.shiro.mgt.DefaultSubjectDAO;
import org.apache.shiro.mgt.DefaultSubjectFactory;
import org.apache.shiro.realm.AuthenticatingRealm;
import org.apache.shiro.subject.Subject;
import org.apache.shiro.subject.SubjectContext;

/**
 * One password check through one Shiro realm, the same whichever realm keeps the users (the users file or a
 * database): the {@link LoginThrottle} first, then Shiro's {@link PasswordMatcher} over the realm's stored hash;
 * an unknown user's password is checked against a hash nobody knows, so that it costs what a wrong password
 * costs. Errors that are not about the credentials (a broken hash provider, a database that does not answer)
 * surface as {@link IllegalStateException} and are not counted as failures.
 *
 * <p>Shiro is used as a library: one {@link DefaultSecurityManager} owned by this object, no static
 * {@code SecurityUtils}, and no Shiro sessions (session storage and session creation are both off).
 *
 * <p>Thread-safe when the realm is: the security manager, matcher and password service hold no per-call
 * state, and the throttle is thread-safe.
 */
final class ShiroLogin {
    private final PasswordService passwordService;
    private final String unknownUserPasswordHash;
    private final LoginThrottle throttle;
    private final Function<String, Optional<AuthenticatedUser>> userAfterLogin;
    private final DefaultSecurityManager securityManager;

    /**
     * @param realm finds the stored hashes; its credentials matcher is set here, to Shiro's
     *     {@link PasswordMatcher} over {@code passwordService}
     * @param passwordService verifies passwords against stored hashes (normally {@code DefaultPasswordService})
     * @param unknownUserPasswordHash what an unknown user's password is checked against; an accepted hash of a
     *     password nobody knows
     * @param throttle counts failures and refuses attempts after too many
     * @param userAfterLogin the user with their current roles, asked once the password matched; empty if the
     *     user vanished meanwhile (the login then fails like any other)
     */
    ShiroLogin(AuthenticatingRealm realm, PasswordService passwordService, String unknownUserPasswordHash,
            LoginThrottle throttle, Function<String, Optional<AuthenticatedUser>> userAfterLogin) {
        requireNonNull(realm, "realm is null");
        this.passwordService = requireNonNull(passwordService, "passwordService is null");
        this.unknownUserPasswordHash = requireNonNull(unknownUserPasswordHash, "unknownUserPasswordHash is null");
        this.throttle = requireNonNull(throttle, "throttle is null");
        this.userAfterLogin = requireNonNull(userAfterLogin, "userAfterLogin is null");
        PasswordHashFormat.requireAccepted(unknownUserPasswordHash);

        PasswordMatcher passwordMatcher = new PasswordMatcher();
        passwordMatcher.setPasswordService(passwordService);
        realm.setCredentialsMatcher(passwordMatcher);
        this.securityManager = new DefaultSecurityManager(realm);
        DefaultSessionStorageEvaluator sessionStorage = new DefaultSessionStorageEvaluator();
        sessionStorage.setSessionStorageEnabled(false);
        DefaultSubjectDAO subjectStore = new DefaultSubjectDAO();
        subjectStore.setSessionStorageEvaluator(sessionStorage);
        securityManager.setSubjectDAO(subjectStore);
        securityManager.setSubjectFactory(new SessionlessSubjectFactory());
    }

    /** A hash of a random password at {@link PasswordHasher#DEFAULT_COST}, for unknown users. */
    static String nobodysPasswordHash() {
        char[] nobodysPassword = UUID.randomUUID().toString().toCharArray();
        return new PasswordHasher().hash(nobodysPassword);
    }

    /** See {@link UserAuthenticator#authenticate}. */
    AuthenticationResult authenticate(String user, char[] password, Optional<String> clientAddress) {
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(clientAddress, "clientAddress is null");
        Optional<Duration> refusal = throttle.refusal(user, clientAddress);
        if (refusal.isPresent()) {
            return new AuthenticationResult.Throttled(refusal.get());
        }
        Optional<AuthenticatedUser> checked = check(user, password);
        if (checked.isEmpty()) {
            throttle.failed(user, clientAddress);
            return new AuthenticationResult.Invalid();
        }
        throttle.succeeded(user);
        return new AuthenticationResult.Success(checked.get());
    }

    /** The user if {@code password} is theirs; empty for an unknown user or a wrong or empty password. */
    private Optional<AuthenticatedUser> check(String user, char[] password) {
        if (password.length == 0) {
            // Shiro refuses an empty password without hashing; refusing it here, before any lookup, keeps
            // that fast path the same for known and unknown users.
            return Optional.empty();
        }
        // A copy, because clearing the token zeroes its array and the caller's array is the caller's.
        UsernamePasswordToken token = new UsernamePasswordToken(user, password.clone());
        try {
            AuthenticationInfo info = securityManager.authenticate(token);
            String name = (String) info.getPrincipals().getPrimaryPrincipal();
            return userAfterLogin.apply(name);
        } catch (UnknownAccountException unknownUser) {
            // Spend what a wrong password costs, so the response time does not reveal which users exist.
            passwordService.passwordsMatch(password, unknownUserPasswordHash);
            return Optional.empty();
        } catch (IncorrectCredentialsException wrongPassword) {
            return Optional.empty();
        } catch (AuthenticationException unexpected) {
            throw new IllegalStateException("authentication of a user could not be completed", unexpected);
        } finally {
            token.clear();
        }
    }

    /** The security manager, for tests of its configuration. */
    DefaultSecurityManager securityManager() {
        return securityManager;
    }

    /** Creates subjects that never create a Shiro session, even when asked for one. */
    private static final class SessionlessSubjectFactory extends DefaultSubjectFactory {
        @Override
        public Subject createSubject(SubjectContext context) {
            context.setSessionCreationEnabled(false);
            return super.createSubject(context);
        }
    }
}
