package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks JSON Web Tokens of one {@link TrustedJwtIssuer}: a compact JWS signed with RS256 or ES256 by a key
 * of the issuer's JWKS file (no other algorithm, no unsigned or encrypted tokens), whose {@code iss} is the
 * issuer, whose {@code aud} holds the audience, with an {@code exp} not passed and an {@code nbf} (when
 * present) reached, both give or take {@link #CLOCK_SKEW}, and a non-blank user claim.
 *
 * <h2>Keys</h2>
 *
 * <p>The JWKS file is read by {@link #start()} (a missing or wrong file stops start-up) and read again when
 * its content has changed, checked at most every {@link #KEYS_CHECK_INTERVAL} during {@link #verify}. The
 * operator keeps it current (identity providers rotate their keys; Microsoft Entra ID publishes them at
 * {@code https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys}); a file that has become unreadable
 * or wrong keeps the keys in force and is logged. Nothing is fetched over the network. Only public keys are
 * kept, whatever the file holds.
 *
 * <p>Thread-safe: the keys in force are one volatile reference; re-reading the file holds this object's
 * monitor, which guards {@link #lastCheck} and {@link #lastContent}.
 */
public final class JwtVerifier {
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration KEYS_CHECK_INTERVAL = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(JwtVerifier.class);

    private final TrustedJwtIssuer issuer;
    private final Clock clock;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private volatile JWKSet keys;
    private Instant lastCheck;
    private String lastContent;

    public JwtVerifier(TrustedJwtIssuer issuer, Clock clock) {
        this.issuer = requireNonNull(issuer, "issuer is null");
        this.clock = requireNonNull(clock, "clock is null");
        JWKSource<SecurityContext> keysInForce = (selector, context) -> selector.select(keys);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                keysInForce));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(issuer.audience()),
                new JWTClaimsSet.Builder().issuer(issuer.issuer()).build(),
                Set.of(JWTClaimNames.EXPIRATION_TIME, issuer.userClaim()), Set.of()) {
            @Override
            protected Date currentTime() {
                return Date.from(JwtVerifier.this.clock.instant());
            }
        };
        claims.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * Reads the JWKS file.
     *
     * @throws IllegalArgumentException if it is missing, unreadable, not a JWKS document or holds no key
     */
    public synchronized void start() {
        String content;
        try {
            content = Files.readString(issuer.jwksFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("JWKS file " + issuer.jwksFile() + " cannot be read: " + e, e);
        }
        keys = parse(content);
        lastContent = content;
        lastCheck = clock.instant();
    }

    /**
     * The user the token names, with the roles it grants, and when it expires; empty if the token is not a
     * valid token of the issuer now (the reason is logged at DEBUG, never the token).
     *
     * @throws IllegalStateException if {@link #start()} has not run
     */
    public Optional<VerifiedJwt> verify(String token) {
        requireNonNull(token, "token is null");
        if (keys == null) {
            throw new IllegalStateException("JWT verifier for " + issuer.issuer() + " not started");
        }
        reloadKeysIfDue();
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException refused) {
            log.debug("bearer JWT refused: {}", refused.getMessage());
            return Optional.empty();
        }
        try {
            String name = claims.getStringClaim(issuer.userClaim());
            if (name == null || name.isBlank()) {
                log.debug("bearer JWT refused: claim {} is blank", issuer.userClaim());
                return Optional.empty();
            }
            return Optional.of(new VerifiedJwt(new AuthenticatedUser(name, roles(claims)),
                    claims.getExpirationTime().toInstant()));
        } catch (ParseException wrongType) {
            log.debug("bearer JWT refused: {}", wrongType.getMessage());
            return Optional.empty();
        }
    }

    private Set<String> roles(JWTClaimsSet claims) throws ParseException {
        Object value = claims.getClaim(issuer.rolesClaim());
        List<String> roles = new ArrayList<>();
        if (value instanceof String single) {
            roles.add(single);
        } else if (value != null) {
            roles.addAll(claims.getStringListClaim(issuer.rolesClaim()));
        }
        Set<String> kept = new LinkedHashSet<>();
        for (String role : roles) {
            if (role != null && !role.isBlank()) {
                kept.add(role);
            }
        }
        return kept;
    }

    private synchronized void reloadKeysIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(lastCheck.plus(KEYS_CHECK_INTERVAL))) {
            return;
        }
        lastCheck = now;
        try {
            String content = Files.readString(issuer.jwksFile());
            if (!content.equals(lastContent)) {
                keys = parse(content);
                lastContent = content;
                log.info("JWKS file {} re-read: {} key(s)", issuer.jwksFile(), keys.getKeys().size());
            }
        } catch (IOException | IllegalArgumentException e) {
            log.warn("JWKS file {} not re-read, the keys in force stay: {}", issuer.jwksFile(), e.getMessage());
        }
    }

    private JWKSet parse(String content) {
        JWKSet parsed;
        try {
            parsed = JWKSet.parse(content).toPublicJWKSet();
        } catch (ParseException e) {
            throw new IllegalArgumentException("JWKS file " + issuer.jwksFile() + " is not a JWKS document: "
                    + e.getMessage(), e);
        }
        List<JWK> usable = parsed.getKeys();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("JWKS file " + issuer.jwksFile() + " holds no public key");
        }
        return parsed;
    }

    /**
     * A valid token's user and expiry.
     *
     * @param user the user claim's value and the roles claim's values
     * @param expires the token's {@code exp}
     */
    public record VerifiedJwt(AuthenticatedUser user, Instant expires) {
        public VerifiedJwt {
            requireNonNull(user, "user is null");
            requireNonNull(expires, "expires is null");
        }
    }
}
