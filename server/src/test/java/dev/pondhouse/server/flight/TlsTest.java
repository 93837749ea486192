package dev.pondhouse.server.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Flight port with TLS, through the JDBC driver trusting the server's certificate. */
class TlsTest {
    @TempDir
    Path folder;

    private void selfSignedCertificate(Path certificate, Path key) throws Exception {
        Process openssl = new ProcessBuilder(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", certificate.toString(), "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"))
                .redirectErrorStream(true)
                .start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).as("openssl finished: %s", output).isTrue();
        assertThat(openssl.exitValue()).as("openssl: %s", output).isZero();
    }

    @Test
    void clientsConnectOverTlsAndPlaintextClientsAreRefused() throws Exception {
        Path certificate = folder.resolve("server.pem");
        Path key = folder.resolve("server.key");
        selfSignedCertificate(certificate, key);
        TestServer server = TestServer.start(Map.of(
                "flight.plaintext", "false",
                "flight.tls-certificate", certificate.toString(),
                "flight.tls-key", key.toString()));
        try {
            String tls = "jdbc:arrow-flight-sql://127.0.0.1:" + server.port() + "/?useEncryption=true&useSystemTrustStore=false"
                    + "&tlsRootCerts=" + certificate + "&user=" + TestServer.USER + "&password=" + TestServer.PASSWORD;
            try (Connection connection = DriverManager.getConnection(tls); Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*) FROM nation")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getLong(1)).isEqualTo(25);
            }

            String plaintext = "jdbc:arrow-flight-sql://127.0.0.1:" + server.port() + "/?useEncryption=false&user="
                    + TestServer.USER + "&password=" + TestServer.PASSWORD;
            assertThatThrownBy(() -> {
                try (Connection connection = DriverManager.getConnection(plaintext)) {
                    connection.createStatement().executeQuery("SELECT 1").close();
                }
            }).isInstanceOf(SQLException.class);
        } finally {
            server.stop();
        }
    }
}
