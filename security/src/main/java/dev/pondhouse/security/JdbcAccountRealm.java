package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.shiro.authc.AuthenticationInfo;
import org.apache.shiro.authc.AuthenticationToken;
import org.apache.shiro.authc.UnknownAccountException;
import org.apache.shiro.authc.UsernamePasswordToken;
import org.apache.shiro.realm.jdbc.JdbcRealm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shiro's {@link JdbcRealm} over the users database, with two additions: a stored hash in a format the users
 * file would refuse (plain text, Shiro 1, argon2i) makes the user unknown, with a warning in the log, instead
 * of being compared; and {@link #readUser} reads a user and their roles for
 * {@link UserAuthenticator#findUser}. Permissions are not looked up and Shiro's caching is off (the
 * authenticator caches {@code findUser} answers itself, for a bounded time).
 *
 * <p>Every call opens its own connection from the data source and closes it. A database error during a login
 * is Shiro's {@code AuthenticationException} (logged by {@code JdbcRealm} with the user name, never the
 * password); for {@link #readUser} it is the {@link SQLException}.
 *
 * <p>Thread-safe: its configuration is set once, in the constructor.
 */
final class JdbcAccountRealm extends JdbcRealm {
    static final String NAME = "pondhouse-users-database";
    private static final Logger log = LoggerFactory.getLogger(JdbcAccountRealm.class);
    /** Looked up by {@link #checkQueries}; a name nobody has, and harmless if someone had it. */
    private static final String PROBE_NAME = "pondhouse start-up check";

    JdbcAccountRealm(DataSource dataSource, String passwordQuery, String rolesQuery) {
        setName(NAME);
        setDataSource(requireNonNull(dataSource, "dataSource is null"));
        setAuthenticationQuery(requireNonNull(passwordQuery, "passwordQuery is null"));
        setUserRolesQuery(requireNonNull(rolesQuery, "rolesQuery is null"));
        setPermissionsLookupEnabled(false);
        setSaltStyle(SaltStyle.NO_SALT);
        setCachingEnabled(false);
        setAuthenticationTokenClass(UsernamePasswordToken.class);
    }

    /** The stored hash; Shiro's "unknown account" when there is no row, a null hash or a refused format. */
    @Override
    protected AuthenticationInfo doGetAuthenticationInfo(AuthenticationToken token) {
        AuthenticationInfo info = super.doGetAuthenticationInfo(token);
        String user = ((UsernamePasswordToken) token).getUsername();
        Object credentials = info.getCredentials();
        String hash = credentials instanceof char[] characters ? new String(characters) : String.valueOf(credentials);
        try {
            PasswordHashFormat.requireAccepted(hash);
        } catch (IllegalArgumentException refused) {
            // The reason never quotes the hash. The client sees an invalid login, as for an unknown user.
            log.warn("user '{}' cannot log in: their password hash in the users database is not accepted: {}", user,
                    refused.getMessage());
            throw new UnknownAccountException("the stored password hash is not accepted");
        }
        return info;
    }

    /**
     * The user called {@code name} and their roles, read now: empty when the password query finds no hash for
     * them. Null and blank role names are skipped with a warning.
     *
     * @throws SQLException if the database cannot be read
     * @throws IllegalStateException if the password query returns more than one row for the name
     */
    Optional<AuthenticatedUser> readUser(String name) throws SQLException {
        requireNonNull(name, "name is null");
        if (name.isBlank()) {
            return Optional.empty();
        }
        try (Connection connection = dataSource.getConnection()) {
            if (!hasPasswordHash(connection, name)) {
                return Optional.empty();
            }
            Set<String> roles = new LinkedHashSet<>();
            for (String role : getRoleNamesForUser(connection, name)) {
                if (role.isBlank()) {
                    log.warn("user '{}' has a blank role in the users database; it is ignored", name);
                } else {
                    roles.add(role);
                }
            }
            return Optional.of(new AuthenticatedUser(name, roles));
        }
    }

    /**
     * Connects and runs both queries once for a name nobody has, so that a wrong URL, a missing table or a
     * query with the wrong parameters stops start-up instead of the first login.
     *
     * @throws SQLException with the driver's reason, naming which query failed
     */
    void checkQueries() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            checkQuery(connection, "password query", authenticationQuery);
            checkQuery(connection, "roles query", userRolesQuery);
        }
    }

    private static void checkQuery(Connection connection, String what, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, PROBE_NAME);
            try (ResultSet result = statement.executeQuery()) {
                if (result.getMetaData().getColumnCount() < 1) {
                    throw new SQLException("the " + what + " returns no column");
                }
                while (result.next()) {
                    result.getString(1);
                }
            }
        } catch (SQLException e) {
            throw new SQLException("the " + what + " '" + sql + "' failed: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    private boolean hasPasswordHash(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(authenticationQuery)) {
            statement.setString(1, name);
            try (ResultSet result = statement.executeQuery()) {
                int rows = 0;
                boolean hash = false;
                while (result.next()) {
                    if (++rows > 1) {
                        throw new IllegalStateException("the password query returns more than one row for user '"
                                + name + "'; user names must be unique");
                    }
                    hash = result.getString(1) != null;
                }
                return hash;
            }
        }
    }
}
