package dev.pondhouse.server.config;

import java.nio.file.Path;
import java.util.Optional;

/** Where clients connect. */
public record FlightSection(String host, Integer port, Optional<Path> tlsCertificate, Optional<Path> tlsKey,
        Optional<Path> tlsClientCa, Boolean plaintext) {
    public FlightSection {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 31337 : port;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("flight.port: " + port + " is not a TCP port (0-65535; 0 picks a free one)");
        }
        tlsCertificate = tlsCertificate == null ? Optional.empty() : tlsCertificate;
        tlsKey = tlsKey == null ? Optional.empty() : tlsKey;
        tlsClientCa = tlsClientCa == null ? Optional.empty() : tlsClientCa;
        plaintext = plaintext == null ? Boolean.FALSE : plaintext;
        if (tlsCertificate.isPresent() != tlsKey.isPresent()) {
            throw new IllegalArgumentException("flight.tls-certificate and flight.tls-key must be given together");
        }
        if (tlsClientCa.isPresent() && tlsCertificate.isEmpty()) {
            throw new IllegalArgumentException("flight.tls-client-ca (mTLS) needs flight.tls-certificate and flight.tls-key");
        }
        if (tlsCertificate.isEmpty() && !plaintext) {
            throw new IllegalArgumentException("flight: no TLS certificate configured; set flight.tls-certificate and "
                    + "flight.tls-key, or set flight.plaintext: true to serve without encryption explicitly");
        }
        if (tlsCertificate.isPresent() && plaintext) {
            throw new IllegalArgumentException("flight.plaintext is true but a TLS certificate is configured; choose one");
        }
    }

    static FlightSection defaults() {
        return new FlightSection(null, null, null, null, null, Boolean.TRUE);
    }

    public boolean tls() {
        return tlsCertificate.isPresent();
    }
}
