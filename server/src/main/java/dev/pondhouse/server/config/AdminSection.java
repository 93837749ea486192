package dev.pondhouse.server.config;

/** The admin HTTP endpoint: health, readiness, metrics, tables, jobs. */
public record AdminSection(Boolean enabled, String host, Integer port, String role, Boolean metricsNeedLogin) {
    public AdminSection {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 31338 : port;
        role = role == null ? "admin" : role;
        metricsNeedLogin = metricsNeedLogin == null ? Boolean.FALSE : metricsNeedLogin;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("admin.port: " + port + " is not a TCP port (0-65535; 0 picks a free one)");
        }
        if (role.isBlank()) {
            throw new IllegalArgumentException("admin.role must not be blank");
        }
    }

    static AdminSection defaults() {
        return new AdminSection(null, null, null, null, null);
    }
}
