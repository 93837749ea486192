package dev.pondhouse.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobSchedulerTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2025-03-10T10:02:00Z"));
    private final List<JobRequest> submitted = new ArrayList<>();

    private JobStatus accept(JobRequest request) {
        submitted.add(request);
        return new JobStatus("job-" + submitted.size(), request.job(), request.table().stream().toList(), request.params(),
                request.requestedBy(), JobState.QUEUED, clock.instant(), Optional.empty(), Optional.empty(), JobProgress.NONE,
                false, Map.of(), Optional.empty());
    }

    private static JobScheduler.ScheduledJob schedule(int index, String job, String table, String cron) {
        return new JobScheduler.ScheduledJob("jobs.schedules[" + index + "]", job,
                Optional.ofNullable(table).map(LakeTableName::parse), Map.of(), CronSchedule.parse(cron, ZoneOffset.UTC));
    }

    @Test
    void firesEachScheduleWhenItsTimeComesAndComputesTheNextRun() {
        JobScheduler scheduler = new JobScheduler(List.of(
                schedule(0, "refresh", null, "*/5 * * * *"),
                schedule(1, "compact", "tpch.orders", "0 3 * * *")), this::accept, clock);
        scheduler.computeNextRuns();

        assertThat(scheduler.nextRuns()).containsExactly(Optional.of(Instant.parse("2025-03-10T10:05:00Z")),
                Optional.of(Instant.parse("2025-03-11T03:00:00Z")));
        assertThat(scheduler.runDue()).isEmpty();

        clock.set(Instant.parse("2025-03-10T10:05:00Z"));
        assertThat(scheduler.runDue()).hasSize(1);
        assertThat(submitted.get(0)).isEqualTo(new JobRequest("refresh", Optional.empty(), Map.of(), "scheduler"));
        assertThat(scheduler.nextRuns().get(0)).contains(Instant.parse("2025-03-10T10:10:00Z"));
        assertThat(scheduler.runDue()).as("not twice for the same time").isEmpty();

        clock.set(Instant.parse("2025-03-11T03:00:00.250Z"));
        assertThat(scheduler.runDue()).extracting(JobStatus::job).containsExactly("refresh", "compact");
        assertThat(submitted.get(2).table()).contains(LakeTableName.parse("tpch.orders"));
        assertThat(scheduler.nextRuns()).containsExactly(Optional.of(Instant.parse("2025-03-11T03:05:00Z")),
                Optional.of(Instant.parse("2025-03-12T03:00:00Z")));
    }

    @Test
    void runsMissedDuringALongPauseFireOnceNotOncePerMissedTime() {
        JobScheduler scheduler = new JobScheduler(List.of(schedule(0, "refresh", null, "*/5 * * * *")), this::accept, clock);
        scheduler.computeNextRuns();

        clock.advance(Duration.ofHours(3));
        scheduler.runDue();

        assertThat(submitted).hasSize(1);
        assertThat(scheduler.nextRuns().get(0)).contains(Instant.parse("2025-03-10T13:05:00Z"));
    }

    @Test
    void aRefusedRunIsSkippedAndTheScheduleGoesOn() {
        List<Instant> attempts = new ArrayList<>();
        JobScheduler scheduler = new JobScheduler(List.of(schedule(0, "compact", "tpch.orders", "*/5 * * * *")), request -> {
            attempts.add(clock.instant());
            throw new PondhouseException(ErrorKind.CONFLICT, "table tpch.orders is busy");
        }, clock);
        scheduler.computeNextRuns();

        clock.set(Instant.parse("2025-03-10T10:05:00Z"));
        assertThat(scheduler.runDue()).isEmpty();
        clock.set(Instant.parse("2025-03-10T10:10:00Z"));
        scheduler.runDue();

        assertThat(attempts).hasSize(2);
        assertThat(scheduler.nextRuns().get(0)).contains(Instant.parse("2025-03-10T10:15:00Z"));
    }

    @Test
    void theSchedulingThreadFiresDueRunsAndStopsWhenClosed() throws Exception {
        ManualClock nearlyTime = new ManualClock(Instant.parse("2025-03-10T10:04:59.900Z"));
        List<JobRequest> fired = java.util.Collections.synchronizedList(new ArrayList<>());
        JobScheduler scheduler = new JobScheduler(List.of(schedule(0, "refresh", null, "*/5 * * * *")), request -> {
            fired.add(request);
            return accept(request);
        }, nearlyTime);
        scheduler.start();
        // The thread sleeps ~100 ms until 10:05:00, then fires; the test clock is moved there meanwhile.
        nearlyTime.set(Instant.parse("2025-03-10T10:05:00Z"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (fired.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        scheduler.close();

        assertThat(fired).hasSize(1);
    }
}
