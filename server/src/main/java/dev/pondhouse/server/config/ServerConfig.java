package dev.pondhouse.server.config;

/**
 * The whole server configuration, one record per section. Every key has a default (see the
 * README's configuration reference); {@link ConfigLoader} reads files strictly.
 */
public record ServerConfig(
        FlightSection flight,
        LakeSection lake,
        EngineSection engine,
        QuerySection query,
        SessionSection sessions,
        AuthSection auth,
        AuditSection audit,
        CacheSection cache,
        JobsSection jobs,
        AdminSection admin,
        PipelinesSection pipelines,
        IngestSection ingest) {

    public ServerConfig {
        flight = flight == null ? FlightSection.defaults() : flight;
        lake = lake == null ? LakeSection.defaults() : lake;
        engine = engine == null ? EngineSection.defaults() : engine;
        query = query == null ? QuerySection.defaults() : query;
        sessions = sessions == null ? SessionSection.defaults() : sessions;
        auth = auth == null ? AuthSection.defaults() : auth;
        audit = audit == null ? AuditSection.defaults() : audit;
        cache = cache == null ? CacheSection.defaults() : cache;
        jobs = jobs == null ? JobsSection.defaults() : jobs;
        admin = admin == null ? AdminSection.defaults() : admin;
        pipelines = pipelines == null ? PipelinesSection.defaults() : pipelines;
        ingest = ingest == null ? IngestSection.defaults() : ingest;
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
