package dev.pondhouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With TLS on the Flight port, the admin port speaks HTTPS with the same certificate. */
class AdminTlsTest {
    @TempDir
    Path folder;

    @Test
    void theAdminPortUsesTheFlightCertificate() throws Exception {
        Path certificate = folder.resolve("server.pem");
        Path key = folder.resolve("server.key");
        Process openssl = new ProcessBuilder(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", certificate.toString(), "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost")).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(output).isZero();

        TestServer server = TestServer.start(Map.of("flight.plaintext", "false",
                "flight.tls-certificate", certificate.toString(), "flight.tls-key", key.toString()));
        try {
            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(certificate))
                    .connectTimeout(Duration.ofSeconds(10)).build();
            AdminClient https = new AdminClient(trusting, "https://127.0.0.1:" + server.adminPort());

            AdminClient.Answer health = https.get("/health");
            AdminClient.Answer tables = https.get("/tables", TestServer.ADMIN_USER, TestServer.ADMIN_PASSWORD);

            assertThat(health.status()).isEqualTo(200);
            assertThat(tables.status()).isEqualTo(200);
            assertThatThrownBy(() -> AdminClient.plaintext(server.adminPort()).get("/health"))
                    .as("plaintext HTTP on the TLS port").isInstanceOf(IOException.class);
        } finally {
            server.stop();
        }
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream input = Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(input));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
