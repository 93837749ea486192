package dev.pondhouse.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Who may log in, and what they may read. Users come from the users file or from a database
 * ({@code users-jdbc}), never both; {@code serve} needs one of them.
 */
public record AuthSection(Optional<Path> usersFile, UsersJdbcSection usersJdbc, JwtSection jwt,
        Optional<Path> rulesFile, Duration tokenLifetime, Duration tokenIdleTimeout, Integer maxTokensPerUser) {
    public AuthSection {
        usersFile = usersFile == null ? Optional.empty() : usersFile;
        usersJdbc = usersJdbc == null ? UsersJdbcSection.defaults() : usersJdbc;
        jwt = jwt == null ? JwtSection.defaults() : jwt;
        rulesFile = rulesFile == null ? Optional.empty() : rulesFile;
        maxTokensPerUser = maxTokensPerUser == null ? 50 : maxTokensPerUser;
        if (maxTokensPerUser < 1) {
            throw new IllegalArgumentException("auth.max-tokens-per-user: " + maxTokensPerUser + " must be at least 1");
        }
        tokenLifetime = tokenLifetime == null ? Duration.ofHours(8) : tokenLifetime;
        tokenIdleTimeout = tokenIdleTimeout == null ? Duration.ofHours(1) : tokenIdleTimeout;
        if (tokenLifetime.isZero() || tokenLifetime.isNegative()) {
            throw new IllegalArgumentException("auth.token-lifetime must be positive");
        }
        if (tokenIdleTimeout.isZero() || tokenIdleTimeout.isNegative()) {
            throw new IllegalArgumentException("auth.token-idle-timeout must be positive");
        }
        if (usersFile.isPresent() && usersJdbc.configured()) {
            throw new IllegalArgumentException("auth.users-file and auth.users-jdbc.url are both set; users come"
                    + " from one of them, choose one");
        }
    }

    static AuthSection defaults() {
        return new AuthSection(null, null, null, null, null, null, null);
    }
}
