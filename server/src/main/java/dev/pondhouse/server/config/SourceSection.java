package dev.pondhouse.server.config;

import static dev.pondhouse.server.config.ConfigChecks.orEmpty;
import static dev.pondhouse.server.config.ConfigChecks.requireIdentifier;

import dev.pondhouse.server.lake.blob.BlobName;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One external read-only source: the Parquet or CSV files below a prefix of a local folder or an
 * Azure container, served as the table {@code name}.
 *
 * @param name {@code schema.table}
 * @param store {@code local} or {@code azure}; when not set, {@code local} if {@code path} is set, else {@code azure}
 * @param path the local folder (local sources)
 * @param container the Azure container (Azure sources; default {@code lake.azure.container})
 * @param prefix the files' folder in the folder or container, ending with {@code /}; empty for all
 * @param format {@code parquet} or {@code csv}
 */
public record SourceSection(String name, String store, Optional<Path> path, Optional<String> container, String prefix,
        String format) {
    public static final String PARQUET = "parquet";
    public static final String CSV = "csv";

    public SourceSection {
        if (name == null) {
            throw new IllegalArgumentException("lake.sources: every source needs a name (schema.table)");
        }
        String[] parts = name.split("\\.", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("lake.sources: the name '" + name + "' is not schema.table");
        }
        requireIdentifier("lake.sources name " + name + ": schema", parts[0]);
        requireIdentifier("lake.sources name " + name + ": table", parts[1]);
        path = orEmpty(path);
        container = orEmpty(container);
        store = store == null ? (path.isPresent() ? LakeSection.LOCAL : LakeSection.AZURE) : store;
        prefix = prefix == null ? "" : prefix;
        format = format == null ? PARQUET : format;
        String where = "lake.sources " + name + ": ";
        if (!format.equals(PARQUET) && !format.equals(CSV)) {
            throw new IllegalArgumentException(where + "format '" + format + "' is not parquet or csv");
        }
        if (store.equals(LakeSection.LOCAL)) {
            if (path.isEmpty() || container.isPresent()) {
                throw new IllegalArgumentException(where + "a local source needs path and no container");
            }
        } else if (store.equals(LakeSection.AZURE)) {
            if (path.isPresent()) {
                throw new IllegalArgumentException(where + "an Azure source has a container and a prefix, not a path");
            }
        } else {
            throw new IllegalArgumentException(where + "store '" + store + "' is not local or azure");
        }
        if (!prefix.isEmpty()) {
            try {
                BlobName.requireValidPrefix(prefix);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(where + "prefix: " + e.getMessage());
            }
        }
    }

    public boolean azure() {
        return store.equals(LakeSection.AZURE);
    }

    public String schema() {
        return name.substring(0, name.indexOf('.'));
    }

    public String table() {
        return name.substring(name.indexOf('.') + 1);
    }
}
