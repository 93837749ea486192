package dev.pondhouse.server.config;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/** The job runner and the job schedules. */
public record JobsSection(Integer workers, Integer historySize, Path historyFolder, Duration shutdownTimeout,
        String timeZone, List<Schedule> schedules) {
    public JobsSection {
        workers = workers == null ? 2 : workers;
        historySize = historySize == null ? 1000 : historySize;
        historyFolder = historyFolder == null ? Path.of("pondhouse-jobs") : historyFolder;
        shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(30) : shutdownTimeout;
        timeZone = timeZone == null ? "UTC" : timeZone;
        schedules = schedules == null ? List.of() : List.copyOf(schedules);
        if (workers < 1) {
            throw new IllegalArgumentException("jobs.workers: " + workers + " must be at least 1");
        }
        if (historySize < 1) {
            throw new IllegalArgumentException("jobs.history-size: " + historySize + " must be at least 1");
        }
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("jobs.shutdown-timeout must not be negative");
        }
        ZoneId zone = zone(timeZone);
        for (int index = 0; index < schedules.size(); index++) {
            schedules.get(index).validate("jobs.schedules[" + index + "]", zone);
        }
    }

    static JobsSection defaults() {
        return new JobsSection(null, null, null, null, null, null);
    }

    /** The zone that schedules' cron expressions are read in. */
    public ZoneId zone() {
        return zone(timeZone);
    }

    private static ZoneId zone(String timeZone) {
        try {
            return ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("jobs.time-zone: '" + timeZone + "' is not a time zone (examples: UTC,"
                    + " Europe/Berlin, America/New_York)");
        }
    }
}
