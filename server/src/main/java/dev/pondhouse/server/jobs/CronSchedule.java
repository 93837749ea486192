package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A Unix cron expression of five fields (minute, hour, day of month, month, day of week; e.g.
 * {@code *}{@code /5 * * * *}, {@code 0 3 * * 1-5}) in a time zone, and the times it names. Parsing
 * and next-run computation are cron-utils' (Unix cron definition); when a local time falls into a
 * daylight-saving gap or repeats in an overlap, cron-utils' rules apply.
 *
 * <p>Immutable and thread-safe.
 */
public final class CronSchedule {
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime times;

    private CronSchedule(String expression, ZoneId zone, ExecutionTime times) {
        this.expression = expression;
        this.zone = zone;
        this.times = times;
    }

    /**
     * @throws IllegalArgumentException naming the expression and what is wrong with it
     */
    public static CronSchedule parse(String expression, ZoneId zone) {
        requireNonNull(expression, "expression is null");
        requireNonNull(zone, "zone is null");
        String trimmed = expression.trim();
        int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        if (fields != 5) {
            throw new IllegalArgumentException("'" + expression + "' is not a cron expression of five fields (minute hour"
                    + " day-of-month month day-of-week, e.g. '0 3 * * *'); it has " + fields);
        }
        try {
            return new CronSchedule(trimmed, zone, ExecutionTime.forCron(UNIX.parse(trimmed).validate()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + expression + "' is not a valid cron expression: " + e.getMessage(), e);
        }
    }

    /** The first time strictly after {@code after} that the expression names, if there is one. */
    public Optional<Instant> next(Instant after) {
        requireNonNull(after, "after is null");
        return times.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
