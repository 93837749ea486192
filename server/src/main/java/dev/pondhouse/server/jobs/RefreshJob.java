package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.engine.ViewPublisher;
import java.util.List;
import java.util.Map;

/**
 * {@code refresh}: re-reads the lake and brings the served views in line with it, the same work the
 * periodic refresh ({@code lake.refresh-interval}) does. Takes no table and no parameters: the whole
 * lake is read. Useful right after a table was changed outside the server, or with polling off.
 */
public final class RefreshJob {
    public static final String NAME = "refresh";

    private RefreshJob() {}

    public static JobDefinition definition(ViewPublisher views) {
        requireNonNull(views, "views is null");
        return new JobDefinition(NAME, "Re-reads the lake and republishes the views of new, changed and removed tables.",
                JobDefinition.TableArgument.NONE, request -> {
                    request.parameters().requireOnly();
                    return Job.of(NAME, List.of(), context -> {
                        context.progress(0, "reading the lake");
                        int changed = views.refresh();
                        return Map.of("viewsChanged", changed, "tablesServed", views.servedTables().size());
                    });
                });
    }
}
