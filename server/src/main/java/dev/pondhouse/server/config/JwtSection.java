package dev.pondhouse.server.config;

import static dev.pondhouse.server.config.ConfigChecks.orEmpty;

import dev.pondhouse.security.TrustedJwtIssuer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Bearer JWTs of one identity provider (e.g. Microsoft Entra ID), accepted besides the users'
 * passwords: {@code issuer}, {@code audience} and {@code jwks-file} together, or none of them.
 */
public record JwtSection(Optional<String> issuer, Optional<String> audience, Optional<Path> jwksFile,
        String userClaim, String rolesClaim) {
    public JwtSection {
        issuer = orEmpty(issuer);
        audience = orEmpty(audience);
        jwksFile = orEmpty(jwksFile);
        userClaim = userClaim == null ? TrustedJwtIssuer.DEFAULT_USER_CLAIM : userClaim;
        rolesClaim = rolesClaim == null ? TrustedJwtIssuer.DEFAULT_ROLES_CLAIM : rolesClaim;
        boolean any = issuer.isPresent() || audience.isPresent() || jwksFile.isPresent();
        if (any && (issuer.isEmpty() || audience.isEmpty() || jwksFile.isEmpty())) {
            throw new IllegalArgumentException("auth.jwt: issuer, audience and jwks-file must be set together");
        }
        if (issuer.map(String::isBlank).orElse(false) || audience.map(String::isBlank).orElse(false)
                || userClaim.isBlank() || rolesClaim.isBlank()) {
            throw new IllegalArgumentException("auth.jwt: issuer, audience, user-claim and roles-claim must not be blank");
        }
    }

    static JwtSection defaults() {
        return new JwtSection(null, null, null, null, null);
    }

    /** Whether bearer JWTs are accepted. */
    public boolean configured() {
        return issuer.isPresent();
    }

    /** The trusted issuer. @throws IllegalStateException if not {@link #configured()} */
    public TrustedJwtIssuer trustedIssuer() {
        if (!configured()) {
            throw new IllegalStateException("auth.jwt is not configured");
        }
        return new TrustedJwtIssuer(issuer.get(), audience.get(), jwksFile.get(), userClaim, rolesClaim);
    }
}
