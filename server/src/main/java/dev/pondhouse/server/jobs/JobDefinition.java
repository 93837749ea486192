package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A kind of job the server can run: its name, what it does, whether it takes a table, and how to make
 * one. Registered in the {@link JobRegistry}.
 *
 * @param name the name requests use, lower case with dashes, e.g. {@code compact}, {@code ingest-folder}
 * @param description one sentence for people (shown by {@code GET /job-types} and {@code ListActions})
 * @param table whether and how the request names a table
 * @param factory makes the job from a request
 */
public record JobDefinition(String name, String description, TableArgument table, JobFactory factory) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

    public JobDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(table, "table is null");
        requireNonNull(factory, "factory is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("job name '" + name + "' must be lower case letters, digits and dashes");
        }
    }

    /** How a job uses the request's {@code table}. */
    public enum TableArgument {
        /** The job takes no table; a request that names one is refused. */
        NONE,
        /** The job needs a table that the server serves now (compaction, vacuum). */
        EXISTING,
        /** The job needs a table name, which may not exist yet (a job that creates tables). */
        ANY_NAME,
        /** A table is optional; when named, it must be served now. */
        OPTIONAL_EXISTING
    }
}
