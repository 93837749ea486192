package dev.pondhouse.server.config;

import static dev.pondhouse.server.config.ConfigChecks.orEmpty;

import dev.pondhouse.security.JdbcUserAuthenticator;
import dev.pondhouse.security.UserDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

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
