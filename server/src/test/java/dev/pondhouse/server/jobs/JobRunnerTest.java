package dev.pondhouse.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.audit.AuditEvent;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.metrics.ServerMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRunnerTest {
    private static final LakeTableName ORDERS = LakeTableName.parse("tpch.orders");
    private static final LakeTableName LINEITEM = LakeTableName.parse("tpch.lineitem");
    private static final TableDirectory TABLES = table -> Set.of(ORDERS, LINEITEM).contains(table);

    @TempDir
    Path folder;

    private final List<JobRunner> runners = new ArrayList<>();
    private final List<AuditEvent> audited = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void stopRunners() {
        runners.forEach(JobRunner::close);
    }

    private JobRunner runner(int workers, Duration shutdownTimeout, TableLock lock) throws Exception {
        JobRegistry registry = new JobRegistry().register(HoldJob.hold()).register(HoldJob.fail())
                .register(new JobDefinition("sum", "Adds two numbers.", JobDefinition.TableArgument.NONE, request -> {
                    JobParameters parameters = request.parameters().requireOnly("a", "b");
                    long a = parameters.integer("a").orElseThrow(() -> parameters.invalid("a", "is required"));
                    long b = parameters.integer("b").orElse(0L);
                    return new Job() {
                        @Override
                        public String type() {
                            return "sum";
                        }

                        @Override
                        public List<LakeTableName> tables() {
                            return List.of();
                        }

                        @Override
                        public Map<String, Object> run(JobContext context) {
                            context.progress(0.5, "adding");
                            return Map.of("sum", a + b);
                        }
                    };
                }));
        JobRunner runner = new JobRunner(new JobRunner.Settings(workers, 50, Optional.of(folder.resolve("history")),
                shutdownTimeout), registry, TABLES, lock, ServerMetrics.NONE, audited::add, Clock.systemUTC());
        runner.start();
        runners.add(runner);
        return runner;
    }

    private JobRunner runner() throws Exception {
        return runner(2, Duration.ofSeconds(5), new InProcessTableLock());
    }

    private static JobRequest request(String job, Optional<LakeTableName> table, Map<String, Object> params) {
        return new JobRequest(job, table, params, "alice");
    }

    private static JobRequest hold(LakeTableName table, long millis) {
        return request(HoldJob.HOLD, Optional.of(table), Map.of("millis", millis));
    }

    static JobStatus await(JobRunner runner, String id, Predicate<JobStatus> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JobStatus status = runner.require(id);
        while (!condition.test(status)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " did not get there; it is " + status);
            }
            Thread.sleep(10);
            status = runner.require(id);
        }
        return status;
    }

    @Test
    void aJobGoesFromQueuedThroughRunningToSucceededWithItsResult() throws Exception {
        JobRunner runner = runner();

        JobStatus queued = runner.submit(request("sum", Optional.empty(), Map.of("a", 2, "b", 40)));

        assertThat(queued.state()).isEqualTo(JobState.QUEUED);
        assertThat(queued.requestedBy()).isEqualTo("alice");
        JobStatus done = await(runner, queued.id(), status -> status.state().finished());
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.result()).containsEntry("sum", 42);
        assertThat(done.progress().fraction()).isEqualTo(1.0);
        assertThat(done.started()).isPresent();
        assertThat(done.ended().orElseThrow()).isAfterOrEqualTo(done.started().orElseThrow());
        assertThat(done.error()).isEmpty();
        assertThat(audited).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(AuditEvent.Kind.JOB);
            assertThat(event.user()).isEqualTo("alice");
            assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.SUCCESS);
            assertThat(event.detail()).hasValueSatisfying(detail -> assertThat(detail).startsWith("sum " + done.id()));
        });
    }

    @Test
    void aRunningJobReportsProgress() throws Exception {
        JobRunner runner = runner();
        JobStatus queued = runner.submit(hold(ORDERS, 60_000));

        JobStatus running = await(runner, queued.id(), status -> status.progress().fraction() > 0);

        assertThat(running.state()).isEqualTo(JobState.RUNNING);
        assertThat(running.progress().message()).isEqualTo("holding tpch.orders");
    }

    @Test
    void aSecondJobOnTheSameTableIsRefusedNamingTheFirstWhileOtherTablesRun() throws Exception {
        JobRunner runner = runner();
        JobStatus first = runner.submit(hold(ORDERS, 60_000));

        assertThatThrownBy(() -> runner.submit(hold(ORDERS, 10)))
                .isInstanceOfSatisfying(PondhouseException.class, error -> assertThat(error.kind()).isEqualTo(ErrorKind.CONFLICT))
                .hasMessageContaining("table tpch.orders is busy")
                .hasMessageContaining(first.id());
        JobStatus other = runner.submit(hold(LINEITEM, 10));
        assertThat(await(runner, other.id(), status -> status.state().finished()).state()).isEqualTo(JobState.SUCCEEDED);

        runner.cancel(first.id(), "bob");
        await(runner, first.id(), status -> status.state().finished());
        JobStatus again = runner.submit(hold(ORDERS, 10));
        assertThat(await(runner, again.id(), status -> status.state().finished()).state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void aJobWithoutTablesExcludesOnlyJobsOfItsOwnType() throws Exception {
        JobRunner runner = runner(3, Duration.ofSeconds(5), new InProcessTableLock());
        JobRegistry registry = runner.registry();
        registry.register(new JobDefinition("wait", "Waits until cancelled.", JobDefinition.TableArgument.NONE,
                request -> new HoldJob("wait", List.of(), 60_000, false)));
        JobStatus waiting = runner.submit(request("wait", Optional.empty(), Map.of()));

        assertThatThrownBy(() -> runner.submit(request("wait", Optional.empty(), Map.of())))
                .hasMessageContaining("a wait job is already");
        JobStatus holding = runner.submit(hold(ORDERS, 10));
        assertThat(await(runner, holding.id(), status -> status.state().finished()).state()).isEqualTo(JobState.SUCCEEDED);
        runner.cancel(waiting.id(), "alice");
    }

    @Test
    void cancellingARunningJobStopsItAndAQueuedOneNeverStarts() throws Exception {
        JobRunner runner = runner(1, Duration.ofSeconds(5), new InProcessTableLock());
        JobStatus running = runner.submit(hold(ORDERS, 60_000));
        await(runner, running.id(), status -> status.state() == JobState.RUNNING);
        JobStatus queued = runner.submit(hold(LINEITEM, 10));
        assertThat(runner.require(queued.id()).state()).as("one worker, busy").isEqualTo(JobState.QUEUED);

        JobStatus cancelledQueued = runner.cancel(queued.id(), "bob");
        JobStatus asked = runner.cancel(running.id(), "bob");

        assertThat(cancelledQueued.state()).isEqualTo(JobState.CANCELLED);
        assertThat(cancelledQueued.started()).isEmpty();
        assertThat(cancelledQueued.error().orElseThrow().message()).contains("cancelled by bob before it started");
        assertThat(asked.cancelRequested()).isTrue();
        JobStatus stopped = await(runner, running.id(), status -> status.state().finished());
        assertThat(stopped.state()).isEqualTo(JobState.CANCELLED);
        assertThat(stopped.error().orElseThrow().code()).isEqualTo("cancelled");
        assertThat(stopped.error().orElseThrow().message()).contains("cancelled by bob");
        assertThatThrownBy(() -> runner.cancel(running.id(), "bob"))
                .hasMessageContaining("has already finished (CANCELLED)");
        assertThatThrownBy(() -> runner.cancel("no-such-job", "bob"))
                .isInstanceOfSatisfying(PondhouseException.class, error -> assertThat(error.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void requestsAreCheckedBeforeAnythingRuns() throws Exception {
        JobRunner runner = runner();

        assertThatThrownBy(() -> runner.submit(request("compact", Optional.of(ORDERS), Map.of())))
                .isInstanceOfSatisfying(PondhouseException.class, error -> assertThat(error.kind()).isEqualTo(ErrorKind.USER_ERROR))
                .hasMessageContaining("unknown job 'compact'; known jobs: fail, hold, sum");
        assertThatThrownBy(() -> runner.submit(hold(LakeTableName.parse("tpch.nope"), 10)))
                .isInstanceOfSatisfying(PondhouseException.class, error -> assertThat(error.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining("table tpch.nope is not served");
        assertThatThrownBy(() -> runner.submit(request(HoldJob.HOLD, Optional.empty(), Map.of())))
                .hasMessageContaining("job hold needs a table");
        assertThatThrownBy(() -> runner.submit(request("sum", Optional.of(ORDERS), Map.of("a", 1))))
                .hasMessageContaining("job sum takes no table");
        assertThatThrownBy(() -> runner.submit(request("sum", Optional.empty(), Map.of("a", "one"))))
                .hasMessageContaining("job sum: parameter a is \"one\"; expected a whole number");
        assertThatThrownBy(() -> runner.submit(request("sum", Optional.empty(), Map.of("a", 1, "c", 2))))
                .hasMessageContaining("job sum: unknown parameter c (known parameters: a, b)");
        assertThat(runner.list(10)).isEmpty();
    }

    @Test
    void failuresKeepUserMessagesAndHideInternalDetails() throws Exception {
        JobRunner runner = runner();

        JobStatus user = await(runner, runner.submit(request(HoldJob.FAIL, Optional.empty(), Map.of("kind", "user"))).id(),
                status -> status.state().finished());
        JobStatus internal = await(runner, runner.submit(request(HoldJob.FAIL, Optional.empty(), Map.of())).id(),
                status -> status.state().finished());

        assertThat(user.state()).isEqualTo(JobState.FAILED);
        assertThat(user.error().orElseThrow()).isEqualTo(new JobError("user_error", "column amount does not exist in tpch.orders"));
        assertThat(internal.state()).isEqualTo(JobState.FAILED);
        assertThat(internal.error().orElseThrow().code()).isEqualTo("internal");
        assertThat(internal.error().orElseThrow().message()).startsWith("internal error ").doesNotContain("/srv/lake");
    }

    @Test
    void aTableLockedByAnotherRunnerFailsTheJobAsAConflict() throws Exception {
        InProcessTableLock shared = new InProcessTableLock();
        JobRunner thisServer = runner(2, Duration.ofSeconds(5), shared);
        TableLock.Lease otherServer = shared.tryLock(ORDERS, "job-on-another-server").orElseThrow();

        JobStatus refused = await(thisServer, thisServer.submit(hold(ORDERS, 10)).id(), status -> status.state().finished());

        assertThat(refused.state()).isEqualTo(JobState.FAILED);
        assertThat(refused.error().orElseThrow().code()).isEqualTo("conflict");
        assertThat(refused.error().orElseThrow().message()).contains("tpch.orders is locked by a job on another server");
        otherServer.close();
        JobStatus later = await(thisServer, thisServer.submit(hold(ORDERS, 10)).id(), status -> status.state().finished());
        assertThat(later.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(shared.holder(ORDERS)).as("released after the job").isEmpty();
    }

    @Test
    void aLostLeaseStopsTheJob() throws Exception {
        LosableLock lock = new LosableLock();
        JobRunner runner = runner(1, Duration.ofSeconds(5), lock);
        JobStatus running = runner.submit(hold(ORDERS, 60_000));
        await(runner, running.id(), status -> status.state() == JobState.RUNNING);

        lock.lose();

        JobStatus stopped = await(runner, running.id(), status -> status.state().finished());
        assertThat(stopped.state()).isEqualTo(JobState.CANCELLED);
        assertThat(stopped.error().orElseThrow().message()).contains("the table lock was lost");
    }

    @Test
    void shutdownCancelsQueuedJobsStopsCooperativeOnesAndInterruptsTheRestAfterTheTimeout() throws Exception {
        JobRunner runner = runner(2, Duration.ofMillis(500), new InProcessTableLock());
        JobStatus cooperative = runner.submit(hold(ORDERS, 60_000));
        JobStatus stubborn = runner.submit(request(HoldJob.HOLD, Optional.of(LINEITEM),
                Map.of("millis", 60_000, "ignoreCancel", true)));
        await(runner, cooperative.id(), status -> status.state() == JobState.RUNNING);
        await(runner, stubborn.id(), status -> status.state() == JobState.RUNNING);
        runner.registry().register(new JobDefinition("later", "Queued behind the others.", JobDefinition.TableArgument.NONE,
                request -> new HoldJob("later", List.of(), 10, false)));
        JobStatus queued = runner.submit(request("later", Optional.empty(), Map.of()));

        long start = System.nanoTime();
        JobRunner.ShutdownReport report = runner.shutdown();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(report.cancelledBeforeStart()).extracting(JobStatus::id).containsExactly(queued.id());
        assertThat(report.stoppedInTime()).extracting(JobStatus::id).containsExactly(cooperative.id());
        assertThat(report.interrupted()).extracting(JobStatus::id).containsExactly(stubborn.id());
        assertThat(runner.require(cooperative.id()).state()).isEqualTo(JobState.CANCELLED);
        JobStatus interrupted = runner.require(stubborn.id());
        assertThat(interrupted.state()).isEqualTo(JobState.FAILED);
        assertThat(interrupted.error().orElseThrow().message()).contains("did not stop within jobs.shutdown-timeout");
        assertThat(runner.require(queued.id()).state()).isEqualTo(JobState.CANCELLED);
        assertThatThrownBy(() -> runner.submit(hold(ORDERS, 10)))
                .isInstanceOfSatisfying(PondhouseException.class, error -> assertThat(error.kind()).isEqualTo(ErrorKind.UNAVAILABLE))
                .hasMessageContaining("shutting down");
    }

    @Test
    void theHistorySurvivesARestartNewestFirstAndCutOffJobsReadBackAsFailed() throws Exception {
        JobRunner first = runner();
        JobStatus older = await(first, first.submit(request("sum", Optional.empty(), Map.of("a", 1))).id(),
                status -> status.state().finished());
        JobStatus newer = await(first, first.submit(hold(ORDERS, 10)).id(), status -> status.state().finished());
        first.close();
        // A job whose server died while it ran: its last line says RUNNING.
        JobStatus cutOff = new JobStatus("cut-off", HoldJob.HOLD, List.of(LINEITEM), Map.of(), "alice", JobState.RUNNING,
                Instant.now(), Optional.of(Instant.now()), Optional.empty(), new JobProgress(0.3, "holding"), false, Map.of(),
                Optional.empty());
        Files.writeString(folder.resolve("history").resolve(JobHistoryFile.FILE_NAME),
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(cutOff.toJson()) + "\nnot json\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

        JobRunner second = runner();

        assertThat(second.list(10)).extracting(JobStatus::id).containsExactly(cutOff.id(), newer.id(), older.id());
        assertThat(second.require(older.id())).isEqualTo(older);
        JobStatus failed = second.require(cutOff.id());
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.error().orElseThrow().message()).contains("the server stopped while the job was RUNNING");
        assertThat(second.list(1)).hasSize(1);
        assertThat(Files.readAllLines(folder.resolve("history").resolve(JobHistoryFile.FILE_NAME)))
                .as("rewritten at start: one line per job").hasSize(3);
    }

    /** A lock whose leases can be lost, like a blob lease that could not be renewed. */
    private static final class LosableLock implements TableLock {
        private volatile boolean lost;

        void lose() {
            lost = true;
        }

        @Override
        public Optional<Lease> tryLock(LakeTableName table, String holder) {
            return Optional.of(new Lease() {
                @Override
                public LakeTableName table() {
                    return table;
                }

                @Override
                public boolean held() {
                    return !lost;
                }

                @Override
                public void close() {}
            });
        }
    }
}
