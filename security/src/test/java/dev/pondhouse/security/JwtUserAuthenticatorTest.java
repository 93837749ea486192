package dev.pondhouse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.pondhouse.security.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer JWTs: what {@link JwtVerifier} accepts and refuses, and how {@link JwtUserAuthenticator} finds their users. */
class JwtUserAuthenticatorTest {
    private static final String ISSUER = "https://login.microsoftonline.com/tenant-id/v2.0";
    private static final String AUDIENCE = "api://pondhouse";
    private static RSAKey rsaKey;
    private static RSAKey otherRsaKeyWithTheSameId;
    private static ECKey ecKey;

    @TempDir
    Path folder;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private Path jwks;
    private JwtVerifier verifier;
    private JwtUserAuthenticator authenticator;

    @BeforeAll
    static void generateKeys() throws JOSEException {
        rsaKey = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        otherRsaKeyWithTheSameId = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    @BeforeEach
    void createAuthenticator() throws Exception {
        jwks = folder.resolve("jwks.json");
        // The private parts are written too, to show that only public keys are kept.
        Files.writeString(jwks, new JWKSet(List.of(rsaKey, ecKey)).toString(false));
        verifier = new JwtVerifier(new TrustedJwtIssuer(ISSUER, AUDIENCE, jwks), clock);
        verifier.start();
        authenticator = new JwtUserAuthenticator(ShiroUserAuthenticator.fromIniText(
                "[users]\nalice = \"" + new PasswordHasher(new PasswordHasher.Argon2Cost(64, 1, 1))
                        .hash("secret".toCharArray()) + "\", admin\n"), verifier, clock);
    }

    @Test
    void validTokenSignedWithRs256OrEs256NamesTheUserAndRoles() throws Exception {
        assertThat(authenticator.authenticateBearer(token(JWSAlgorithm.RS256, new RSASSASigner(rsaKey), "rsa-1", claims -> {})))
                .contains(new AuthenticatedUser("erin@example.com", Set.of("analyst", "trial")));
        assertThat(authenticator.authenticateBearer(token(JWSAlgorithm.ES256, new ECDSASigner(ecKey), "ec-1",
                claims -> claims.claim("roles", "analyst"))))
                .contains(new AuthenticatedUser("erin@example.com", Set.of("analyst")));
        assertThat(authenticator.authenticateBearer(rsaToken(claims -> claims.claim("roles", null))))
                .contains(new AuthenticatedUser("erin@example.com", Set.of()));
    }

    @Test
    void expiredOrNotYetValidTokensAreRefusedBeyondTheClockSkew() throws Exception {
        Instant now = clock.instant();
        assertThat(authenticator.authenticateBearer(rsaToken(claims -> claims.expirationTime(Date.from(now.minusSeconds(30))))))
                .as("within the skew").isPresent();
        assertThat(authenticator.authenticateBearer(rsaToken(claims -> claims.expirationTime(Date.from(now.minusSeconds(61))))))
                .isEmpty();
        assertThat(authenticator.authenticateBearer(rsaToken(claims -> claims.notBeforeTime(Date.from(now.plusSeconds(120))))))
                .isEmpty();
        assertThat(authenticator.authenticateBearer(rsaToken(claims -> claims.expirationTime(null)))).as("no exp").isEmpty();
    }

    @Test
    void wrongAudienceIssuerOrMissingUserClaimAreRefused() throws Exception {
        assertThat(authenticator.authenticateBearer(rsaToken(claims -> claims.audience("api://someone-else")))).isEmpty();
        assertThat(authenticator.authenticateBearer(rsaToken(claims -> claims.issuer("https://evil.example/")))).isEmpty();
        assertThat(authenticator.authenticateBearer(rsaToken(claims -> claims.claim("preferred_username", null)))).isEmpty();
        assertThat(authenticator.authenticateBearer(rsaToken(claims -> claims.claim("preferred_username", " ")))).isEmpty();
    }

    @Test
    void wrongSignatureAlgorithmOrNoSignatureAreRefused() throws Exception {
        assertThat(authenticator.authenticateBearer(token(JWSAlgorithm.RS256, new RSASSASigner(otherRsaKeyWithTheSameId),
                "rsa-1", claims -> {}))).as("another key under the same id").isEmpty();
        assertThat(authenticator.authenticateBearer(token(JWSAlgorithm.RS512, new RSASSASigner(rsaKey), "rsa-1",
                claims -> {}))).as("an algorithm not accepted").isEmpty();
        // HMAC keyed with the public key's bytes: the classic algorithm confusion.
        byte[] publicKeyBytes = rsaKey.toPublicKey().getEncoded();
        assertThat(authenticator.authenticateBearer(token(JWSAlgorithm.HS256, new MACSigner(publicKeyBytes), "rsa-1",
                claims -> {}))).isEmpty();
        assertThat(authenticator.authenticateBearer(new PlainJWT(claims(claims -> {}).build()).serialize())).isEmpty();

        String valid = rsaToken(claims -> {});
        String[] parts = valid.split("\\.");
        String otherUser = Base64URL.encode(claims(claims -> claims.claim("preferred_username", "mallory")).build()
                .toString().getBytes(StandardCharsets.UTF_8)).toString();
        assertThat(authenticator.authenticateBearer(parts[0] + "." + otherUser + "." + parts[2])).as("payload swapped").isEmpty();
        assertThat(authenticator.authenticateBearer("not a token")).isEmpty();
        assertThat(authenticator.authenticateBearer("")).isEmpty();
    }

    @Test
    void tokenNamingAPasswordUserIsRefused() throws Exception {
        assertThat(authenticator.authenticateBearer(rsaToken(claims -> claims.claim("preferred_username", "alice")
                .claim("roles", List.of("superuser"))))).isEmpty();

        assertThat(authenticator.findUser("alice")).contains(new AuthenticatedUser("alice", Set.of("admin")));
    }

    @Test
    void findUserKnowsATokensUserUntilItExpires() throws Exception {
        assertThat(authenticator.findUser("erin@example.com")).isEmpty();
        authenticator.authenticateBearer(rsaToken(claims -> claims.expirationTime(Date.from(clock.instant().plusSeconds(600)))));

        clock.advance(Duration.ofSeconds(600).plus(JwtVerifier.CLOCK_SKEW));
        assertThat(authenticator.findUser("erin@example.com"))
                .contains(new AuthenticatedUser("erin@example.com", Set.of("analyst", "trial")));

        clock.advance(Duration.ofSeconds(1));
        assertThat(authenticator.findUser("erin@example.com")).isEmpty();
    }

    @Test
    void findUserGivesTheRolesOfTheTokenVerifiedLast() throws Exception {
        authenticator.authenticateBearer(rsaToken(claims -> {}));
        authenticator.authenticateBearer(rsaToken(claims -> claims.claim("roles", List.of("reader"))));

        assertThat(authenticator.findUser("erin@example.com")).contains(new AuthenticatedUser("erin@example.com", Set.of("reader")));
    }

    @Test
    void rotatedKeysAreReadWhenTheFileChanges() throws Exception {
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        String signedWithRotated = token(JWSAlgorithm.RS256, new RSASSASigner(rotated), "rsa-2", claims -> {});
        assertThat(authenticator.authenticateBearer(signedWithRotated)).isEmpty();

        Files.writeString(jwks, new JWKSet(List.of(rotated.toPublicJWK())).toString());
        clock.advance(JwtVerifier.KEYS_CHECK_INTERVAL);

        assertThat(authenticator.authenticateBearer(signedWithRotated)).isPresent();
        assertThat(authenticator.authenticateBearer(rsaToken(claims -> {}))).as("the old key is gone").isEmpty();

        Files.writeString(jwks, "{ broken");
        clock.advance(JwtVerifier.KEYS_CHECK_INTERVAL);
        assertThat(authenticator.authenticateBearer(signedWithRotated)).as("a broken file keeps the keys in force").isPresent();
    }

    @Test
    void missingOrWrongKeysFileStopsStartUp() throws Exception {
        JwtVerifier missing = new JwtVerifier(new TrustedJwtIssuer(ISSUER, AUDIENCE, folder.resolve("none.json")), clock);
        assertThatThrownBy(missing::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("none.json cannot be read");

        Path empty = folder.resolve("empty.json");
        Files.writeString(empty, "{\"keys\": []}");
        JwtVerifier noKeys = new JwtVerifier(new TrustedJwtIssuer(ISSUER, AUDIENCE, empty), clock);
        assertThatThrownBy(noKeys::start).hasMessageContaining("holds no public key");

        Path notJwks = folder.resolve("not.json");
        Files.writeString(notJwks, "[1, 2]");
        JwtVerifier wrong = new JwtVerifier(new TrustedJwtIssuer(ISSUER, AUDIENCE, notJwks), clock);
        assertThatThrownBy(wrong::start).hasMessageContaining("is not a JWKS document");
    }

    @Test
    void passwordLoginsStillWork() {
        assertThat(authenticator.authenticate("alice", "secret".toCharArray(), Optional.empty()))
                .isEqualTo(new AuthenticationResult.Success(new AuthenticatedUser("alice", Set.of("admin"))));
    }

    private String rsaToken(Consumer<JWTClaimsSet.Builder> changes) throws JOSEException {
        return token(JWSAlgorithm.RS256, new RSASSASigner(rsaKey), "rsa-1", changes);
    }

    private String token(JWSAlgorithm algorithm, JWSSigner signer, String keyId, Consumer<JWTClaimsSet.Builder> changes)
            throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(), claims(changes).build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    /** Claims as Microsoft Entra ID issues them for an app with roles, then {@code changes}. */
    private JWTClaimsSet.Builder claims(Consumer<JWTClaimsSet.Builder> changes) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ")
                .issueTime(Date.from(now.minusSeconds(60)))
                .notBeforeTime(Date.from(now.minusSeconds(60)))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .claim("preferred_username", "erin@example.com")
                .claim("roles", List.of("analyst", "trial"));
        changes.accept(claims);
        return claims;
    }
}
