package dev.pondhouse.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.pondhouse.security.PasswordHasher;
import dev.pondhouse.server.engine.SqlIdentifiers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} with {@code auth.jwt}: a client sends a JWT of the trusted issuer as its bearer token (the
 * Flight SQL JDBC driver's {@code token} property) and is served as the user it names, with its roles reaching
 * the access rules; expired or foreign tokens are refused; password logins still work.
 */
class JwtBearerServeTest {
    private static final String ISSUER = "https://login.microsoftonline.com/tenant-id/v2.0";
    private static final String AUDIENCE = "api://pondhouse";

    @TempDir
    Path folder;

    @Test
    void jwtUsersAreServedWithTheirRoles() throws Exception {
        Path lake = folder.resolve("lake");
        Files.createDirectories(lake.resolve("shop/items"));
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(1000)) TO "
                    + SqlIdentifiers.literal(lake.resolve("shop/items/part-1.parquet").toString()) + " (FORMAT parquet)");
        }
        RSAKey key = new RSAKeyGenerator(2048).keyID("key-1").generate();
        RSAKey foreignKey = new RSAKeyGenerator(2048).keyID("key-1").generate();
        Path jwks = folder.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
        Path users = folder.resolve("users.ini");
        Files.writeString(users, "[users]\nalice = \"" + new PasswordHasher().hash("secret".toCharArray()) + "\", analyst\n");
        Path rules = folder.resolve("rules.yaml");
        Files.writeString(rules, """
                rules:
                  - roles: [analyst]
                    tables: ["shop.*"]
                    privileges: [read]
                """);
        Path config = folder.resolve("pondhouse.yaml");
        Files.writeString(config, """
                flight:
                  port: 0
                  plaintext: true
                lake:
                  root: %s
                  default-schema: shop
                auth:
                  users-file: %s
                  rules-file: %s
                  jwt:
                    issuer: %s
                    audience: %s
                    jwks-file: %s
                """.formatted(lake, users, rules, ISSUER, AUDIENCE, jwks));
        Path log = folder.resolve("server.log");
        Process process = new ProcessBuilder(ServerProcessTest.javaCommand("serve", "--config", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            String url = "jdbc:arrow-flight-sql://127.0.0.1:" + ServerProcessTest.awaitPort(process, log)
                    + "/?useEncryption=false";
            Instant now = Instant.now();

            assertThat(count(url + "&token=" + token(key, "erin@example.com", List.of("analyst"), now.plusSeconds(600)),
                    "SELECT count(*) FROM items")).isEqualTo(1000);
            String withoutRoles = token(key, "frank@example.com", List.of(), now.plusSeconds(600));
            assertThat(count(url + "&token=" + withoutRoles, "SELECT 7")).isEqualTo(7);
            assertThatThrownBy(() -> count(url + "&token=" + withoutRoles, "SELECT count(*) FROM items"))
                    .hasMessageContaining("does not exist or you may not read it");
            assertThatThrownBy(() -> count(url + "&token=" + token(key, "erin@example.com", List.of("analyst"),
                    now.minusSeconds(600)), "SELECT 1")).hasMessageContaining("invalid credentials");
            assertThatThrownBy(() -> count(url + "&token=" + token(foreignKey, "erin@example.com", List.of("analyst"),
                    now.plusSeconds(600)), "SELECT 1")).hasMessageContaining("invalid credentials");
            assertThatThrownBy(() -> count(url + "&token=" + token(key, "alice", List.of("analyst"), now.plusSeconds(600)),
                    "SELECT 1")).as("a password user's name").hasMessageContaining("invalid credentials");
            assertThat(count(url + "&user=alice&password=secret", "SELECT count(*) FROM items")).isEqualTo(1000);
        } finally {
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        assertThat(Files.readString(log)).doesNotContain("eyJ");
    }

    private static String token(RSAKey key, String user, List<String> roles, Instant expires) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).issueTime(Date.from(now.minusSeconds(3600)))
                        .expirationTime(Date.from(expires)).claim("preferred_username", user).claim("roles", roles).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static long count(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).isTrue();
            return result.getLong(1);
        }
    }
}
