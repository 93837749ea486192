package dev.pondhouse.server.admin;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A server TLS context from the same PEM files as the Flight port: a certificate chain, its private
 * key in PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl req -nodes} writes; RSA, EC or EdDSA),
 * and optionally a CA bundle that client certificates must be signed by.
 *
 * @param certificateChain PEM certificates, the server's first
 * @param privateKey the PEM PKCS#8 private key
 * @param clientCa PEM CA certificates for client certificate checks (mTLS), if wanted
 */
public record PemTls(Path certificateChain, Path privateKey, Optional<Path> clientCa) {
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

    public PemTls {
        requireNonNull(certificateChain, "certificateChain is null");
        requireNonNull(privateKey, "privateKey is null");
        requireNonNull(clientCa, "clientCa is null");
    }

    /**
     * Reads the files.
     *
     * @throws IOException if a file cannot be read or holds no usable certificate or key; the message
     *     names the file and says what is expected
     */
    public SSLContext serverContext() throws IOException {
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            List<Certificate> chain = certificates(certificateChain);
            keys.setKeyEntry("server", key(privateKey), password, chain.toArray(Certificate[]::new));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);
            TrustManagerFactory trustManagers = null;
            if (clientCa.isPresent()) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                int index = 0;
                for (Certificate certificate : certificates(clientCa.get())) {
                    trusted.setCertificateEntry("ca-" + index++, certificate);
                }
                trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trustManagers.init(trusted);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers == null ? null : trustManagers.getTrustManagers(),
                    new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS for the admin port cannot be set up from " + certificateChain + " and " + privateKey
                    + ": " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        byte[] content = Files.readAllBytes(file);
        List<Certificate> certificates = List.copyOf(CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(content)));
        if (certificates.isEmpty()) {
            throw new IOException(file + " holds no PEM certificate");
        }
        return certificates;
    }

    private static PrivateKey key(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher matcher = PRIVATE_KEY.matcher(text);
        if (!matcher.find()) {
            throw new IOException(file + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----); convert one with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
        }
        PKCS8EncodedKeySpec specification = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(matcher.group(1)));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(specification);
            } catch (GeneralSecurityException e) {
                // Not this algorithm; try the next.
            }
        }
        throw new IOException(file + " holds a private key of an unsupported algorithm (RSA, EC and EdDSA are supported)");
    }
}
