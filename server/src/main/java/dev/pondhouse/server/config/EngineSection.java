package dev.pondhouse.server.config;

import java.nio.file.Path;
import java.util.Optional;

/** The query DuckDB instance. */
public record EngineSection(String memoryLimit, Integer threads, Optional<Path> spillDirectory, String spillLimit) {
    public EngineSection {
        memoryLimit = memoryLimit == null ? "75%" : memoryLimit;
        threads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        spillDirectory = spillDirectory == null ? Optional.empty() : spillDirectory;
        spillLimit = spillLimit == null ? "20GB" : spillLimit;
        if (threads < 1) {
            throw new IllegalArgumentException("engine.threads: " + threads + " must be at least 1");
        }
    }

    static EngineSection defaults() {
        return new EngineSection(null, null, null, null);
    }
}
