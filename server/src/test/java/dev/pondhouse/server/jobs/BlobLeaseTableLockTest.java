package dev.pondhouse.server.jobs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.pondhouse.server.lake.LakeTableName;
import dev.pondhouse.server.lake.blob.AzureBlobStore;
import dev.pondhouse.server.lake.blob.AzureBlobStoreConfig;
import dev.pondhouse.server.lake.blob.AzuriteServer;
import dev.pondhouse.server.lake.blob.BlobStore;
import dev.pondhouse.server.lake.blob.LocalBlobStore;
import dev.pondhouse.server.lake.blob.OutageBlobStore;
import dev.pondhouse.server.metrics.ServerMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two runners, each with its own lock over one shared lake, stand for two servers sharing it. */
@ExtendWith(AzuriteServer.Extension.class)
class BlobLeaseTableLockTest {
    private static final LakeTableName ORDERS = LakeTableName.parse("tpch.orders");
    private static final LakeTableName LINEITEM = LakeTableName.parse("tpch.lineitem");
    /** Short, so that a held job outlives several lease durations and depends on renewal. */
    private static final Duration SHORT_LEASE = Duration.ofMillis(300);

    @TempDir
    Path lake;

    private final List<JobRunner> runners = new ArrayList<>();

    @AfterEach
    void stopRunners() {
        runners.forEach(JobRunner::close);
    }

    private JobRunner server(TableLock blobLock) throws Exception {
        JobRunner runner = new JobRunner(new JobRunner.Settings(2, 50, Optional.empty(), Duration.ofSeconds(5)),
                new JobRegistry().register(HoldJob.hold()), table -> Set.of(ORDERS, LINEITEM).contains(table),
                new StackedTableLock(new InProcessTableLock(), blobLock), ServerMetrics.NONE, event -> { }, Clock.systemUTC());
        runner.start();
        runners.add(runner);
        return runner;
    }

    private static JobRequest hold(LakeTableName table, long millis) {
        return new JobRequest(HoldJob.HOLD, Optional.of(table), Map.of("millis", millis), "alice");
    }

    private static JobStatus finished(JobRunner runner, String id) throws InterruptedException {
        return JobRunnerTest.await(runner, id, status -> status.state().finished());
    }

    /** Waits until the job runs its own code: RUNNING is reported before the runner takes the locks. */
    private static void holding(JobRunner runner, String id) throws InterruptedException {
        JobRunnerTest.await(runner, id, status -> status.progress().message().startsWith("holding"));
    }

    @Test
    void twoServersSharingALocalLakeRunOneJobPerTableAtATime() throws Exception {
        JobRunner first = server(new BlobLeaseTableLock(new LocalBlobStore(lake), SHORT_LEASE));
        JobRunner second = server(new BlobLeaseTableLock(new LocalBlobStore(lake), SHORT_LEASE));
        JobStatus holding = first.submit(hold(ORDERS, 60_000));
        holding(first, holding.id());
        Thread.sleep(3 * SHORT_LEASE.toMillis()); // renewals must keep the lease

        JobStatus refused = finished(second, second.submit(hold(ORDERS, 10)).id());
        JobStatus otherTable = finished(second, second.submit(hold(LINEITEM, 10)).id());

        assertThat(refused.state()).isEqualTo(JobState.FAILED);
        assertThat(refused.error().orElseThrow().code()).isEqualTo("conflict");
        assertThat(refused.error().orElseThrow().message()).contains("tpch.orders is locked by a job on another server");
        assertThat(otherTable.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(first.require(holding.id()).state()).isEqualTo(JobState.RUNNING);
        assertThat(lake.resolve("tpch/orders/_pondhouse_job.lock")).isRegularFile();

        first.cancel(holding.id(), "alice");
        assertThat(finished(first, holding.id()).state()).isEqualTo(JobState.CANCELLED);

        JobStatus later = finished(second, second.submit(hold(ORDERS, 10)).id());
        assertThat(later.state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void aLeaseTakenOverByAnotherServerStopsTheJob() throws Exception {
        JobRunner server = server(new BlobLeaseTableLock(new LocalBlobStore(lake), SHORT_LEASE));
        JobStatus running = server.submit(hold(ORDERS, 60_000));
        holding(server, running.id());

        // What another server does once it judged the lease expired: it writes its own lease over it.
        Path takeover = Files.writeString(lake.resolve("takeover"), "holder=other\nexpires=" + Long.MAX_VALUE + "\n", UTF_8);
        new LocalBlobStore(lake).upload("tpch/orders/_pondhouse_job.lock", takeover);

        JobStatus stopped = finished(server, running.id());
        assertThat(stopped.state()).isEqualTo(JobState.CANCELLED);
        assertThat(stopped.error().orElseThrow().message()).contains("the table lock was lost");
        assertThat(new String(new LocalBlobStore(lake).read("tpch/orders/_pondhouse_job.lock"), UTF_8))
                .as("the stopped job does not release the other server's lease").contains("holder=other");
    }

    @Test
    void anUnreachableLockStoreFailsTheJobAsUnavailableWithoutStoragePaths() throws Exception {
        OutageBlobStore store = new OutageBlobStore(new LocalBlobStore(lake));
        JobRunner server = server(new BlobLeaseTableLock(store, SHORT_LEASE));
        store.goDown();

        JobStatus failed = finished(server, server.submit(hold(ORDERS, 10)).id());

        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.error().orElseThrow().code()).isEqualTo("unavailable");
        assertThat(failed.error().orElseThrow().message()).contains("tpch.orders").doesNotContain(lake.toString()).doesNotContain("_pondhouse_job.lock");
    }

    @Test
    void twoServersSharingAnAzureLakeRunOneJobPerTableAtATime(AzuriteServer azurite) throws Exception {
        String container = AzuriteServer.uniqueContainerName();
        new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient().createBlobContainer(container);
        AzureBlobStoreConfig config = new AzureBlobStoreConfig(container, Optional.empty(),
                new AzureBlobStoreConfig.Authentication.ConnectionString(azurite.connectionString()),
                AzureBlobStoreConfig.Retry.DEFAULT);
        BlobStore firstStore = AzureBlobStore.fromConfig(config);
        JobRunner first = server(new BlobLeaseTableLock(firstStore));
        JobRunner second = server(new BlobLeaseTableLock(AzureBlobStore.fromConfig(config)));
        JobStatus holding = first.submit(hold(ORDERS, 60_000));
        holding(first, holding.id());

        JobStatus refused = finished(second, second.submit(hold(ORDERS, 10)).id());

        assertThat(refused.state()).isEqualTo(JobState.FAILED);
        assertThat(refused.error().orElseThrow().code()).isEqualTo("conflict");
        assertThat(firstStore.properties("tpch/orders/_pondhouse_job.lock")).isPresent();
        first.cancel(holding.id(), "alice");
        finished(first, holding.id());
        assertThat(finished(second, second.submit(hold(ORDERS, 10)).id()).state()).isEqualTo(JobState.SUCCEEDED);
    }
}
