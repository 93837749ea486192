package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that opens a new connection through {@link DriverManager} for every call, for Shiro's
 * {@code JdbcRealm}. No pool: the users database is asked at a login and when a cached answer is older than
 * its cache time, not on every Flight call.
 *
 * <p>Thread-safe: it holds only its immutable URL and a private copy of the properties.
 */
final class DriverManagerDataSource implements DataSource {
    private final String url;
    private final Properties properties;

    DriverManagerDataSource(String url, Properties properties) {
        this.url = requireNonNull(url, "url is null");
        this.properties = new Properties();
        this.properties.putAll(requireNonNull(properties, "properties is null"));
    }

    @Override
    public Connection getConnection() throws SQLException {
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the users database's credentials are fixed at start-up");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // Drivers log through their own loggers.
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        throw new SQLFeatureNotSupportedException("set a connect timeout in the JDBC URL instead");
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging logger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
