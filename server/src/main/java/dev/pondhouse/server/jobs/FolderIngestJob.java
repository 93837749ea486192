package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.config.IngestSection;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.ingest.FolderIngest;
import dev.pondhouse.server.lake.LakeTableName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ingest-folder}: appends the new files of the folder {@code ingest.folders} configures for
 * the table, once and only once, like {@code ./pondhouse ingest-folder}. Schedule it (every five
 * minutes, say) to ingest files as they arrive.
 */
public final class FolderIngestJob implements Job {
    public static final String NAME = "ingest-folder";

    private final FolderIngest.Source source;
    private final FolderIngest ingest;

    private FolderIngestJob(FolderIngest.Source source, FolderIngest ingest) {
        this.source = requireNonNull(source, "source is null");
        this.ingest = requireNonNull(ingest, "ingest is null");
    }

    public static JobDefinition definition(IngestSection config, FolderIngest ingest) {
        requireNonNull(config, "config is null");
        requireNonNull(ingest, "ingest is null");
        return new JobDefinition(NAME, "Appends the new files of the table's ingest folder (ingest.folders).",
                JobDefinition.TableArgument.ANY_NAME, request -> {
                    request.parameters().requireOnly();
                    String table = request.table().orElseThrow().toString();
                    FolderIngest.Source source = FolderIngest.Source.configured(config, table).orElseThrow(() ->
                            PondhouseException.userError("ingest.folders has no folder for table " + table));
                    return new FolderIngestJob(source, ingest);
                });
    }

    @Override
    public String type() {
        return NAME;
    }

    @Override
    public List<LakeTableName> tables() {
        return List.of(source.table());
    }

    @Override
    public Map<String, Object> run(JobContext context) throws Exception {
        FolderIngest.Result result = ingest.run(source, context::cancelRequested, context::progress);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("filesAppended", result.filesAppended());
        summary.put("filesAlreadyIngested", result.filesAlreadyIngested());
        summary.put("rowsAppended", result.rowsAppended());
        result.version().ifPresent(version -> summary.put("version", version));
        return summary;
    }
}
