package dev.pondhouse.server.config;

import static dev.pondhouse.server.config.ConfigChecks.requireIdentifier;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The lake: a local folder of {@code <schema>/<table>/} tables served in place ({@code store:
 * local}), or an Azure container of Delta tables served from the disk cache ({@code store:
 * azure}); plus external read-only sources; served under one catalog name.
 */
public record LakeSection(Path root, String catalog, String defaultSchema, Duration refreshInterval, String store,
        AzureSection azure, List<SourceSection> sources) {
    public static final String LOCAL = "local";
    public static final String AZURE = "azure";

    public LakeSection {
        root = root == null ? Path.of("pondhouse-data") : root;
        catalog = catalog == null ? "pondhouse" : catalog;
        defaultSchema = defaultSchema == null ? "main" : defaultSchema;
        refreshInterval = refreshInterval == null ? Duration.ofSeconds(30) : refreshInterval;
        store = store == null ? LOCAL : store;
        azure = azure == null ? AzureSection.defaults() : azure;
        sources = sources == null ? List.of() : List.copyOf(sources);
        requireIdentifier("lake.catalog", catalog);
        requireIdentifier("lake.default-schema", defaultSchema);
        if (refreshInterval.isNegative()) {
            throw new IllegalArgumentException("lake.refresh-interval must not be negative (0 turns polling off)");
        }
        if (!store.equals(LOCAL) && !store.equals(AZURE)) {
            throw new IllegalArgumentException("lake.store: '" + store + "' is not a store; expected local or azure");
        }
        if (store.equals(AZURE)) {
            if (azure.container().isEmpty()) {
                throw new IllegalArgumentException("lake.store is azure but lake.azure.container is not set");
            }
            azure.requireAccount("lake.store is azure");
        }
        Set<String> names = new HashSet<>();
        for (int index = 0; index < sources.size(); index++) {
            SourceSection source = sources.get(index);
            if (!names.add(source.name())) {
                throw new IllegalArgumentException("lake.sources: the name " + source.name() + " is used twice");
            }
            if (source.azure()) {
                azure.requireAccount("lake.sources[" + index + "] (" + source.name() + ") is in Azure");
                if (source.container().isEmpty() && azure.container().isEmpty()) {
                    throw new IllegalArgumentException("lake.sources[" + index + "] (" + source.name()
                            + "): set its container, or lake.azure.container");
                }
            }
        }
    }

    /** A local lake folder with no external sources. */
    public LakeSection(Path root, String catalog, String defaultSchema, Duration refreshInterval) {
        this(root, catalog, defaultSchema, refreshInterval, null, null, null);
    }

    static LakeSection defaults() {
        return new LakeSection(null, null, null, null);
    }

    public boolean inAzure() {
        return store.equals(AZURE);
    }
}
