package dev.pondhouse.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    private static Instant next(String cron, ZoneId zone, String after) {
        return CronSchedule.parse(cron, zone).next(Instant.parse(after)).orElseThrow();
    }

    @Test
    void everyFiveMinutesIsTheNextMultipleOfFiveStrictlyAfter() {
        assertThat(next("*/5 * * * *", UTC, "2025-03-10T10:02:30Z")).isEqualTo("2025-03-10T10:05:00Z");
        assertThat(next("*/5 * * * *", UTC, "2025-03-10T10:05:00Z")).isEqualTo("2025-03-10T10:10:00Z");
        assertThat(next("*/5 * * * *", UTC, "2025-03-10T23:59:00Z")).isEqualTo("2025-03-11T00:00:00Z");
    }

    @Test
    void dailyWeeklyAndMonthlyFieldsInUtc() {
        assertThat(next("0 3 * * *", UTC, "2025-03-10T03:00:00Z")).isEqualTo("2025-03-11T03:00:00Z");
        assertThat(next("0 3 * * *", UTC, "2025-03-10T02:59:59Z")).isEqualTo("2025-03-10T03:00:00Z");
        // 2025-03-14 is a Friday; weekdays only, so the next is Monday the 17th.
        assertThat(next("30 6 * * 1-5", UTC, "2025-03-14T07:00:00Z")).isEqualTo("2025-03-17T06:30:00Z");
        assertThat(next("0 0 1 * *", UTC, "2025-01-31T12:00:00Z")).isEqualTo("2025-02-01T00:00:00Z");
        // Sunday as 0, 7 or SUN; 2025-03-16 is a Sunday.
        assertThat(next("0 12 * * 0", UTC, "2025-03-14T00:00:00Z")).isEqualTo("2025-03-16T12:00:00Z");
        assertThat(next("0 12 * * 7", UTC, "2025-03-14T00:00:00Z")).isEqualTo("2025-03-16T12:00:00Z");
        assertThat(next("0 12 * * SUN", UTC, "2025-03-14T00:00:00Z")).isEqualTo("2025-03-16T12:00:00Z");
        assertThat(next("0 0,12 1,15 * *", UTC, "2025-03-01T06:00:00Z")).isEqualTo("2025-03-01T12:00:00Z");
        assertThat(next("15 14 29 2 *", UTC, "2025-01-01T00:00:00Z")).as("29 February: the next leap year")
                .isEqualTo("2028-02-29T14:15:00Z");
    }

    @Test
    void timesAreReadInTheConfiguredZone() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 03:00 in Berlin is 02:00 UTC in winter (CET) and 01:00 UTC in summer (CEST).
        assertThat(next("0 3 * * *", berlin, "2025-01-15T12:00:00Z")).isEqualTo("2025-01-16T02:00:00Z");
        assertThat(next("0 3 * * *", berlin, "2025-07-15T12:00:00Z")).isEqualTo("2025-07-16T01:00:00Z");
        ZoneId newYork = ZoneId.of("America/New_York");
        assertThat(next("0 9 * * *", newYork, "2025-01-15T15:00:00Z")).isEqualTo("2025-01-16T14:00:00Z");
    }

    @Test
    void badExpressionsAreRefusedSayingWhy() {
        assertThatThrownBy(() -> CronSchedule.parse("0 3 * *", UTC))
                .hasMessageContaining("'0 3 * *' is not a cron expression of five fields").hasMessageContaining("it has 4");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 3 * * *", UTC)).hasMessageContaining("it has 6");
        assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", UTC)).hasMessageContaining("'61 * * * *' is not a valid cron");
        assertThatThrownBy(() -> CronSchedule.parse("every day", UTC)).hasMessageContaining("five fields");
        assertThatThrownBy(() -> CronSchedule.parse("a b c d e", UTC)).hasMessageContaining("is not a valid cron");
    }
}
