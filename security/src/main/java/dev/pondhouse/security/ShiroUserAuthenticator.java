package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.shiro.authc.credential.DefaultPasswordService;
import org.apache.shiro.authc.credential.PasswordService;
import org.apache.shiro.mgt.DefaultSecurityManager;

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
 * <h2>Failures, timing and throttling</h2>
 *
 * <p>An unknown user, a wrong password and an empty password are all {@link AuthenticationResult.Invalid}.
 * For an unknown user the password is still checked, against a hash of a random password made with
 * {@link PasswordHasher#DEFAULT_COST}, so it costs about what a wrong password costs for a user whose hash
 * has that cost. An empty password is refused before any user is looked up. Every failure is counted by the
 * {@link LoginThrottle}; an attempt it refuses is {@link AuthenticationResult.Throttled} and no password is
 * checked for it. Errors that are not about the credentials (a bug, a missing hash provider) are not
 * disguised as failed logins: they surface as {@link IllegalStateException} and are not counted. This
 * check is {@link ShiroLogin}, shared with {@link JdbcUserAuthenticator}, which keeps users in a database.
 *
 * <h2>Changing users while running</h2>
 *
 * <p>{@link UsersFileWatcher} re-reads the users file when its content changes and swaps the users in one
 * step; a login sees either the old users or the new ones. {@link #findUser} answers from the users in force.
 *
 * <p>Nothing here logs a password or a hash. Thread-safe: the security manager, realm and password service
 * hold no per-call state, the users in force are one volatile reference, and the throttle is thread-safe.
 */
public final class ShiroUserAuthenticator implements UserAuthenticator {
    private static final String INLINE_SOURCE = "users INI text";

    private final ShiroLogin login;
    /** The users in force; replaced whole when the users file changes. */
    private volatile IniUserFile userFile;

    /**
     * @param userFile the users, already read and checked
     * @param passwordService verifies passwords against stored hashes (normally {@link DefaultPasswordService})
     * @param unknownUserPasswordHash what an unknown user's password is checked against, so that the check
     *     costs the same as for a known user; an accepted hash of a password nobody knows
     * @param throttle counts failures and refuses attempts after too many
     */
    ShiroUserAuthenticator(IniUserFile userFile, PasswordService passwordService, String unknownUserPasswordHash,
            LoginThrottle throttle) {
        this.userFile = requireNonNull(userFile, "userFile is null");
        this.login = new ShiroLogin(new IniAccountRealm(() -> this.userFile), passwordService,
                unknownUserPasswordHash, throttle, this::findUser);
    }

    /**
     * Reads the users file at {@code file} (UTF-8) and checks every entry. Failed logins are throttled with
     * {@link LoginThrottle.Limits#DEFAULT}.
     *
     * @throws InvalidUserFileException if the file is missing, unreadable or wrong; the message names the
     *     file, the line and user where there is one, and the reason
     */
    public static ShiroUserAuthenticator fromIniFile(Path file) {
        return fromIniFile(file, LoginThrottle.withDefaults());
    }

    /** Like {@link #fromIniFile(Path)}, with the given throttle. */
    public static ShiroUserAuthenticator fromIniFile(Path file, LoginThrottle throttle) {
        return create(readUserFile(file), throttle);
    }

    /**
     * Reads users from INI text, for example the demo's users made at start-up:
     * {@code fromIniText("[users]\ndemo = \"" + hasher.hash(password) + "\"\n")}. Failed logins are
     * throttled with {@link LoginThrottle.Limits#DEFAULT}.
     *
     * @throws InvalidUserFileException if an entry is wrong
     */
    public static ShiroUserAuthenticator fromIniText(String text) {
        return fromIniText(text, LoginThrottle.withDefaults());
    }

    /** Like {@link #fromIniText(String)}, with the given throttle. */
    public static ShiroUserAuthenticator fromIniText(String text, LoginThrottle throttle) {
        return create(IniUserFileParser.parse(INLINE_SOURCE, requireNonNull(text, "text is null")), throttle);
    }

    private static ShiroUserAuthenticator create(IniUserFile userFile, LoginThrottle throttle) {
        return new ShiroUserAuthenticator(userFile, new DefaultPasswordService(), ShiroLogin.nobodysPasswordHash(),
                throttle);
    }

    /** Reads and checks the users file at {@code file}. */
    static IniUserFile readUserFile(Path file) {
        return parseUserFile(file, readSnapshot(file).text());
    }

    /**
     * Reads the users file at {@code file} whole, without checking it.
     *
     * @throws InvalidUserFileException if it is missing, unreadable or not UTF-8
     */
    static FileSnapshot readSnapshot(Path file) {
        requireNonNull(file, "file is null");
        try {
            return FileSnapshot.read(file);
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
    }

    /** Checks {@code text}, read from {@code file}. */
    static IniUserFile parseUserFile(Path file, String text) {
        return IniUserFileParser.parse(file.toString(), text);
    }

    @Override
    public AuthenticationResult authenticate(String user, char[] password, Optional<String> clientAddress) {
        // The roles of a successful login come from the users in force after the check; if the file was
        // swapped during the check and the user is gone, the login fails like any other.
        return login.authenticate(user, password, clientAddress);
    }

    @Override
    public Optional<AuthenticatedUser> findUser(String name) {
        return userFile.account(requireNonNull(name, "name is null"))
                .map(account -> new AuthenticatedUser(account.name(), account.roles()));
    }

    /** Puts {@code users} in force in place of the current users; logins already running may see either. */
    void replaceUsers(IniUserFile users) {
        this.userFile = requireNonNull(users, "users is null");
    }

    /** The security manager, for tests of its configuration. */
    DefaultSecurityManager securityManager() {
        return login.securityManager();
    }
}
