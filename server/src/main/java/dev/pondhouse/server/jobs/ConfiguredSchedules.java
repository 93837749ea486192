package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.config.ConfigException;
import dev.pondhouse.server.config.JobsSection;
import dev.pondhouse.server.config.Schedule;
import java.util.ArrayList;
import java.util.List;

/** The schedules of {@code jobs.schedules}, checked against the jobs the server has. */
public final class ConfiguredSchedules {
    private ConfiguredSchedules() {}

    /**
     * The scheduled jobs, in the order configured.
     *
     * @throws ConfigException naming the schedule's key for an unknown job, a table given to a job
     *     that takes none, or a missing table
     */
    public static List<JobScheduler.ScheduledJob> of(JobsSection settings, JobRegistry registry) {
        requireNonNull(settings, "settings is null");
        requireNonNull(registry, "registry is null");
        List<JobScheduler.ScheduledJob> schedules = new ArrayList<>();
        for (int index = 0; index < settings.schedules().size(); index++) {
            Schedule schedule = settings.schedules().get(index);
            String key = "jobs.schedules[" + index + "]";
            JobDefinition definition = registry.definition(schedule.job()).orElseThrow(() -> new ConfigException(key
                    + ".job: unknown job '" + schedule.job() + "'; known jobs: "
                    + String.join(", ", registry.definitions().stream().map(JobDefinition::name).toList())));
            boolean takesTable = definition.table() != JobDefinition.TableArgument.NONE;
            boolean needsTable = definition.table() == JobDefinition.TableArgument.EXISTING
                    || definition.table() == JobDefinition.TableArgument.ANY_NAME;
            if (schedule.table().isPresent() && !takesTable) {
                throw new ConfigException(key + ".table: job " + schedule.job() + " takes no table");
            }
            if (schedule.table().isEmpty() && needsTable) {
                throw new ConfigException(key + ".table is missing: job " + schedule.job() + " needs a table (schema.table)");
            }
            schedules.add(new JobScheduler.ScheduledJob(key, schedule.job(), schedule.tableName(), schedule.params(),
                    schedule.cronSchedule(settings.zone())));
        }
        return schedules;
    }
}
