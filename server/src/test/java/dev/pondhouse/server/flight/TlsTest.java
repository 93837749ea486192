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
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", certificate.toString(),
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    }

    private void openssl(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process openssl = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).as("openssl finished: %s", output).isTrue();
        assertThat(openssl.exitValue()).as("openssl %s: %s", command, output).isZero();
    }

    /** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
    private void certificateAuthorityWithServerAndClient() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=Pondhouse test CA");
        for (String party : List.of("server", "client")) {
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", party + ".key", "-out", party + ".csr",
                    "-subj", "/CN=" + (party.equals("server") ? "127.0.0.1" : "alice"));
            java.nio.file.Files.writeString(folder.resolve(party + ".ext"), party.equals("server")
                    ? "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
                    : "extendedKeyUsage=clientAuth\n");
            openssl("x509", "-req", "-in", party + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", party + ".pem", "-days", "2", "-extfile", party + ".ext");
        }
    }

    @Test
    void mutualTlsNeedsAClientCertificateSignedByTheConfiguredCa() throws Exception {
        certificateAuthorityWithServerAndClient();
        TestServer server = TestServer.start(Map.of(
                "flight.plaintext", "false",
                "flight.tls-certificate", folder.resolve("server.pem").toString(),
                "flight.tls-key", folder.resolve("server.key").toString(),
                "flight.tls-client-ca", folder.resolve("ca.pem").toString()));
        try {
            String base = "jdbc:arrow-flight-sql://127.0.0.1:" + server.port() + "/?useEncryption=true&useSystemTrustStore=false"
                    + "&tlsRootCerts=" + folder.resolve("ca.pem") + "&user=" + TestServer.USER + "&password=" + TestServer.PASSWORD;
            String withCertificate = base + "&clientCertificate=" + folder.resolve("client.pem")
                    + "&clientKey=" + folder.resolve("client.key");
            try (Connection connection = DriverManager.getConnection(withCertificate); Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*) FROM region")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getLong(1)).isEqualTo(5);
            }

            assertThatThrownBy(() -> {
                try (Connection connection = DriverManager.getConnection(base)) {
                    connection.createStatement().executeQuery("SELECT 1").close();
                }
            }).as("no client certificate").isInstanceOf(SQLException.class);
        } finally {
            server.stop();
        }
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
