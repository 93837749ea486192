package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Whose JSON Web Tokens are accepted as bearer credentials, and how a user is read from one: tokens signed
 * (RS256 or ES256) with a key of the JWKS file, from {@code issuer}, for {@code audience}.
 *
 * @param issuer the exact {@code iss} claim, e.g. {@code https://login.microsoftonline.com/<tenant>/v2.0}
 * @param audience a value the {@code aud} claim must hold, e.g. the application (client) id
 * @param jwksFile the issuer's public keys, a JWKS JSON document kept up to date by the operator
 * @param userClaim the claim holding the user name; default {@value #DEFAULT_USER_CLAIM}
 * @param rolesClaim the claim holding the roles, a list of strings (or one string); default
 *     {@value #DEFAULT_ROLES_CLAIM}; a token without it has no roles
 */
public record TrustedJwtIssuer(String issuer, String audience, Path jwksFile, String userClaim, String rolesClaim) {
    public static final String DEFAULT_USER_CLAIM = "preferred_username";
    public static final String DEFAULT_ROLES_CLAIM = "roles";

    public TrustedJwtIssuer {
        requireNonNull(issuer, "issuer is null");
        requireNonNull(audience, "audience is null");
        requireNonNull(jwksFile, "jwksFile is null");
        requireNonNull(userClaim, "userClaim is null");
        requireNonNull(rolesClaim, "rolesClaim is null");
        if (issuer.isBlank() || audience.isBlank() || userClaim.isBlank() || rolesClaim.isBlank()) {
            throw new IllegalArgumentException("the JWT issuer, audience, user claim and roles claim must not be blank");
        }
    }

    /** Tokens of {@code issuer} for {@code audience}, read with the default claims. */
    public TrustedJwtIssuer(String issuer, String audience, Path jwksFile) {
        this(issuer, audience, jwksFile, DEFAULT_USER_CLAIM, DEFAULT_ROLES_CLAIM);
    }
}
