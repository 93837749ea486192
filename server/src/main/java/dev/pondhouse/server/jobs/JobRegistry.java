package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.LakeTableName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The kinds of job the server runs, by name. Open: each job kind registers a {@link JobDefinition}
 * when the server is wired together (the {@code refresh} job is built in; compaction, vacuum,
 * pipelines and folder ingest register themselves the same way).
 *
 * <p>{@link #create} checks the request the same way for every kind before the kind's factory sees
 * it: the name is known, and the table argument fits the definition (a table the job needs exists).
 *
 * <p>Thread-safe.
 */
public final class JobRegistry {
    private final Map<String, JobDefinition> definitions = new ConcurrentSkipListMap<>();

    /**
     * Adds a kind of job.
     *
     * @throws IllegalArgumentException if the name is taken
     */
    public JobRegistry register(JobDefinition definition) {
        requireNonNull(definition, "definition is null");
        if (definitions.putIfAbsent(definition.name(), definition) != null) {
            throw new IllegalArgumentException("a job named " + definition.name() + " is already registered");
        }
        return this;
    }

    public Optional<JobDefinition> definition(String name) {
        return Optional.ofNullable(definitions.get(requireNonNull(name, "name is null")));
    }

    /** Every registered kind, by name. */
    public List<JobDefinition> definitions() {
        return List.copyOf(definitions.values());
    }

    /**
     * Checks {@code request} and makes its job.
     *
     * @throws PondhouseException a user error for an unknown job name, a table where none is taken or
     *     none where one is needed, or bad parameters; not found for a table that is not served
     */
    public Job create(JobRequest request, TableDirectory tables) {
        requireNonNull(request, "request is null");
        requireNonNull(tables, "tables is null");
        JobDefinition definition = definition(request.job()).orElseThrow(() -> PondhouseException.userError(
                "unknown job '" + request.job() + "'; known jobs: " + String.join(", ", definitions.keySet())));
        Optional<LakeTableName> table = request.table();
        switch (definition.table()) {
            case NONE -> {
                if (table.isPresent()) {
                    throw PondhouseException.userError("job " + definition.name() + " takes no table; leave out \"table\"");
                }
            }
            case EXISTING -> requireServed(table.orElseThrow(() -> PondhouseException.userError(
                    "job " + definition.name() + " needs a table: give \"table\": \"schema.table\"")), tables);
            case ANY_NAME -> table.orElseThrow(() -> PondhouseException.userError(
                    "job " + definition.name() + " needs a table: give \"table\": \"schema.table\""));
            case OPTIONAL_EXISTING -> table.ifPresent(name -> requireServed(name, tables));
        }
        Job job = definition.factory().create(request);
        if (!job.type().equals(definition.name())) {
            throw new IllegalStateException("the factory of job " + definition.name() + " made a job of type " + job.type());
        }
        return job;
    }

    private static void requireServed(LakeTableName table, TableDirectory tables) {
        if (!tables.exists(table)) {
            throw PondhouseException.notFound("table " + table + " is not served by this server; GET /tables lists the tables");
        }
    }
}
