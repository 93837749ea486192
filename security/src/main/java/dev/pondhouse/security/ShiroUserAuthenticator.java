package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.shiro.authc.AuthenticationException;
import org.apache.shiro.authc.AuthenticationInfo;
import org.apache.shiro.authc.IncorrectCredentialsException;
import org.apache.shiro.authc.UnknownAccountException;
import org.apache.shiro.authc.UsernamePasswordToken;
import org.apache.shiro.authc.credential.DefaultPasswordService;
import org.apache.shiro.authc.credential.PasswordMatcher;
import org.apache.shiro.authc.credential.PasswordService;
import org.apache.shiro.mgt.DefaultSecurityManager;
import org.apache.shiro.mgt.DefaultSessionStorageEvaluator;
import org.apache.shiro.mgt.DefaultSubjectDAO;
import org.apache.shiro.mgt.DefaultSubjectFactory;
import org.apache.shiro.subject.Subject;
import org.apache.shiro.subject.SubjectContext;

/**
 * Authenticates against a users file with Apache Shiro, used as a library: one
 * {@link DefaultSecurityManager} owned by this object, no static {@code SecurityUtils}, and no Shiro
 * sessions (session storage and session creation are both off; Pondhouse keeps its own bearer tokens).
 *
 * <h2>The users file</h2>
 *
 * <pre>
 * [users]
 * # name = "password-hash", role, ...     (create the hash with ./pondhouse hash-password)
 * alice = "$shiro2$argon2id$v=19$t=3,m=32768,p=1$&lt;salt&gt;$&lt;hash&gt;", analyst, admin
 * bob   = $shiro2$2y$10$&lt;salt and hash&gt;, analyst
 *
 * [roles]
 * # optional: role = Shiro permission, ...
 * admin = admin:*
 * </pre>
 *
 * <p>Passwords are stored as Shiro 2 crypt-format hashes: argon2id (what {@link PasswordHasher} writes) or
 * bcrypt. <strong>An argon2 hash contains commas, so it must be written in double quotes</strong>,
 * otherwise the commas would split it into roles; an unquoted one is refused with that explanation.
 * Everything else about the format, and what counts as an error, is in {@link IniUserFileParser}. Every
 * problem in the file is found when it is loaded, not at the first login.
 *
 * <h2>Failures and timing</h2>
 *
 * <p>An unknown user, a wrong password and an empty password all throw the same
 * {@link AuthenticationFailedException}. For an unknown user the password is still checked, against a
 * hash of a random password made with {@link PasswordHasher#DEFAULT_COST}, so it costs about what a wrong
 * password costs for a user whose hash has that cost. An empty password is refused before any user is
 * looked up. Errors that are not about the credentials (a bug, a missing hash provider) are not disguised
 * as failed logins: they surface as {@link IllegalStateException}.
 *
 * <p>Nothing here logs a password or a hash. Thread-safe: the security manager, realm and password service
 * hold no per-call state.
 */
public final class ShiroUserAuthenticator implements UserAuthenticator {
    private static final String INLINE_SOURCE = "users INI text";

    private final IniUserFile userFile;
    private final PasswordService passwordService;
    private final String unknownUserPasswordHash;
    private final DefaultSecurityManager securityManager;

    /**
     * @param userFile the users, already read and checked
     * @param passwordService verifies passwords against stored hashes (normally {@link DefaultPasswordService})
     * @param unknownUserPasswordHash what an unknown user's password is checked against, so that the check
     *     costs the same as for a known user; an accepted hash of a password nobody knows
     */
    ShiroUserAuthenticator(IniUserFile userFile, PasswordService passwordService, String unknownUserPasswordHash) {
        this.userFile = requireNonNull(userFile, "userFile is null");
        this.passwordService = requireNonNull(passwordService, "passwordService is null");
        this.unknownUserPasswordHash = requireNonNull(unknownUserPasswordHash, "unknownUserPasswordHash is null");
        PasswordHashFormat.requireAccepted(unknownUserPasswordHash);

        PasswordMatcher passwordMatcher = new PasswordMatcher();
        passwordMatcher.setPasswordService(passwordService);
        this.securityManager = new DefaultSecurityManager(new IniAccountRealm(userFile, passwordMatcher));
        DefaultSessionStorageEvaluator sessionStorage = new DefaultSessionStorageEvaluator();
        sessionStorage.setSessionStorageEnabled(false);
        DefaultSubjectDAO subjectStore = new DefaultSubjectDAO();
        subjectStore.setSessionStorageEvaluator(sessionStorage);
        securityManager.setSubjectDAO(subjectStore);
        securityManager.setSubjectFactory(new SessionlessSubjectFactory());
    }

    /**
     * Reads the users file at {@code file} (UTF-8) and checks every entry.
     *
     * @throws InvalidUserFileException if the file is missing, unreadable or wrong; the message names the
     *     file, the line and user where there is one, and the reason
     */
    public static ShiroUserAuthenticator fromIniFile(Path file) {
        requireNonNull(file, "file is null");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException missing) {
            throw new InvalidUserFileException("users file " + file + " does not exist", missing);
        } catch (AccessDeniedException denied) {
            throw new InvalidUserFileException("users file " + file + " cannot be read: permission denied", denied);
        } catch (CharacterCodingException notUtf8) {
            throw new InvalidUserFileException("users file " + file + " is not UTF-8 text", notUtf8);
        } catch (IOException unreadable) {
            throw new InvalidUserFileException("users file " + file + " cannot be read: " + unreadable.getMessage(),
                    unreadable);
        }
        return create(IniUserFileParser.parse(file.toString(), text));
    }

    /**
     * Reads users from INI text, for example the demo's users made at start-up:
     * {@code fromIniText("[users]\ndemo = \"" + hasher.hash(password) + "\"\n")}.
     *
     * @throws InvalidUserFileException if an entry is wrong
     */
    public static ShiroUserAuthenticator fromIniText(String text) {
        return create(IniUserFileParser.parse(INLINE_SOURCE, requireNonNull(text, "text is null")));
    }

    private static ShiroUserAuthenticator create(IniUserFile userFile) {
        char[] nobodysPassword = UUID.randomUUID().toString().toCharArray();
        String unknownUserPasswordHash = new PasswordHasher().hash(nobodysPassword);
        return new ShiroUserAuthenticator(userFile, new DefaultPasswordService(), unknownUserPasswordHash);
    }

    @Override
    public AuthenticatedUser authenticate(String user, char[] password) {
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        if (password.length == 0) {
            // Shiro refuses an empty password without hashing; refusing it here, before any lookup, keeps
            // that fast path the same for known and unknown users.
            throw new AuthenticationFailedException();
        }
        // A copy, because clearing the token zeroes its array and the caller's array is the caller's.
        UsernamePasswordToken token = new UsernamePasswordToken(user, password.clone());
        try {
            AuthenticationInfo info = securityManager.authenticate(token);
            String name = (String) info.getPrincipals().getPrimaryPrincipal();
            UserAccount account = userFile.account(name)
                    .orElseThrow(() -> new IllegalStateException("user '" + name + "' was authenticated but is not in "
                            + userFile.source()));
            return new AuthenticatedUser(account.name(), account.roles());
        } catch (UnknownAccountException unknownUser) {
            // Spend what a wrong password costs, so the response time does not reveal which users exist.
            passwordService.passwordsMatch(password, unknownUserPasswordHash);
            throw new AuthenticationFailedException();
        } catch (IncorrectCredentialsException wrongPassword) {
            // Neither this nor the unknown-user exception is attached: which one it was must not reach the client.
            throw new AuthenticationFailedException();
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
