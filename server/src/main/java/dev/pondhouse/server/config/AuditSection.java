package dev.pondhouse.server.config;

import dev.pondhouse.server.audit.JsonLinesAuditLog.StatementLogging;
import java.nio.file.Path;
import java.util.Optional;

/** The audit log: one JSON line per login, denial, query and job. */
public record AuditSection(Optional<Path> file, StatementLogging statements) {
    public AuditSection {
        file = file == null ? Optional.empty() : file;
        statements = statements == null ? StatementLogging.TEXT : statements;
    }

    static AuditSection defaults() {
        return new AuditSection(null, null);
    }
}
