package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Properties;

/**
 * Where users are kept in a relational database, and how to read them: a JDBC URL, optional database
 * credentials, and two queries that each take the user name as their one parameter.
 *
 * <ul>
 *   <li>{@code passwordQuery} returns at most one row whose first column is the user's password hash, in the
 *       same formats as the users file (argon2id or bcrypt in Shiro 2's crypt format, made with
 *       {@code ./pondhouse hash-password}). No row, or a null hash, means there is no such user.</li>
 *   <li>{@code rolesQuery} returns one row per role, the role's name in the first column.</li>
 * </ul>
 *
 * <p>The comparison of names is the database's: use a case-sensitive one, because the name a client logs in
 * with is the name access rules see.
 *
 * @param url the JDBC URL; any driver on the class path that accepts it is used
 * @param user the database user, when the URL does not carry one
 * @param password the database user's password; a secret: {@link #toString()} hides it
 * @param passwordQuery see above; default {@value #DEFAULT_PASSWORD_QUERY}
 * @param rolesQuery see above; default {@value #DEFAULT_ROLES_QUERY}
 */
public record UserDatabase(String url, Optional<String> user, Optional<String> password, String passwordQuery,
        String rolesQuery) {
    public static final String DEFAULT_PASSWORD_QUERY = "SELECT password_hash FROM users WHERE name = ?";
    public static final String DEFAULT_ROLES_QUERY = "SELECT role FROM user_roles WHERE name = ?";

    public UserDatabase {
        requireNonNull(url, "url is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(passwordQuery, "passwordQuery is null");
        requireNonNull(rolesQuery, "rolesQuery is null");
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("the users database URL must be a JDBC URL (jdbc:...), was "
                    + redact(url));
        }
        if (passwordQuery.isBlank()) {
            throw new IllegalArgumentException("the password query is blank");
        }
        if (rolesQuery.isBlank()) {
            throw new IllegalArgumentException("the roles query is blank");
        }
    }

    /** The database at {@code url}, without credentials, read with the default queries. */
    public UserDatabase(String url) {
        this(url, Optional.empty(), Optional.empty(), DEFAULT_PASSWORD_QUERY, DEFAULT_ROLES_QUERY);
    }

    /** The URL up to its parameters ({@code ?...} or {@code ;...}, which may hold credentials), for messages. */
    public String redactedUrl() {
        return redact(url);
    }

    /** The connection properties: {@code user} and {@code password} when set. */
    Properties connectionProperties() {
        Properties properties = new Properties();
        user.ifPresent(name -> properties.setProperty("user", name));
        password.ifPresent(secret -> properties.setProperty("password", secret));
        return properties;
    }

    @Override
    public String toString() {
        return "UserDatabase[url=" + redactedUrl() + ", user=" + user.orElse("") + ", password="
                + (password.isPresent() ? "(hidden)" : "none") + ", passwordQuery=" + passwordQuery
                + ", rolesQuery=" + rolesQuery + "]";
    }

    private static String redact(String url) {
        int parameters = url.length();
        for (char separator : new char[] {'?', ';'}) {
            int index = url.indexOf(separator);
            if (index >= 0 && index < parameters) {
                parameters = index;
            }
        }
        // jdbc:postgresql://name:secret@host/... carries credentials before the host.
        String kept = url.substring(0, parameters).replaceFirst("//[^/@]*@", "//…@");
        return parameters < url.length() ? kept + "…" : kept;
    }
}
