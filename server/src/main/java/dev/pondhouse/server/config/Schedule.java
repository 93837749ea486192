package dev.pondhouse.server.config;

import dev.pondhouse.server.jobs.CronSchedule;
import dev.pondhouse.server.lake.LakeTableName;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

/**
 * One job schedule: run {@code job} (on {@code table}, with {@code params}) at the times {@code cron}
 * names. Checked as a whole by {@link JobsSection}, which knows its position for messages.
 */
public record Schedule(String job, Optional<String> table, String cron, Map<String, Object> params) {
    public Schedule {
        table = table == null ? Optional.empty() : table;
        params = params == null ? Map.of() : params;
    }

    void validate(String key, ZoneId zone) {
        if (job == null || job.isBlank()) {
            throw new IllegalArgumentException(key + ".job is missing: name the job to run, e.g. job: refresh");
        }
        if (cron == null) {
            throw new IllegalArgumentException(key + ".cron is missing: give five fields, e.g. cron: \"0 3 * * *\"");
        }
        try {
            CronSchedule.parse(cron, zone);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ".cron: " + e.getMessage());
        }
        table.ifPresent(name -> {
            try {
                LakeTableName.parse(name);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(key + ".table: " + e.getMessage());
            }
        });
    }

    public Optional<LakeTableName> tableName() {
        return table.map(LakeTableName::parse);
    }

    public CronSchedule cronSchedule(ZoneId zone) {
        return CronSchedule.parse(cron, zone);
    }
}
