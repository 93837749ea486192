package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.LakeTableName;
import java.util.List;
import java.util.Map;

/**
 * One unit of work the {@link JobRunner} runs: made by a {@link JobFactory} from a validated request,
 * run once on a worker thread.
 *
 * <p><b>Tables.</b> {@link #tables()} names every table the job writes. The runner runs at most one
 * job per table at a time: while this job is queued or running, another job on any of its tables is
 * refused, and before it runs the runner takes each table's {@link TableLock} (a blob lease when
 * several servers share a lake). A job that writes no single table returns an empty list; then at most
 * one job of its type is queued or running at a time.
 *
 * <p><b>Cancellation</b> is cooperative: the job calls {@link JobContext#checkCancelled()} where
 * stopping leaves nothing half-done and lets the {@link JobCancelledException} propagate. A job that
 * does not stop within {@code jobs.shutdown-timeout} of a shutdown is interrupted.
 *
 * <p><b>Errors.</b> A {@link dev.pondhouse.server.error.PondhouseException} of a non-internal kind is
 * shown to the user as it is: its message must name the table or parameter and say what to do. Any
 * other exception is recorded as an internal error; its details go to the server log only.
 */
public interface Job {
    /** The job's registered name, e.g. {@code refresh}. */
    String type();

    /** The tables this job writes; empty if it writes no single table. */
    List<LakeTableName> tables();

    /**
     * Does the work.
     *
     * @return what the job did, for people and scripts: a small map of JSON values (strings, numbers,
     *     booleans, lists and maps of them), e.g. {@code {"filesRemoved": 12, "bytesWritten": 1048576}}
     * @throws JobCancelledException when it stopped because it was asked to
     * @throws Exception when it failed; see the class comment for how errors reach users
     */
    Map<String, Object> run(JobContext context) throws Exception;

    /** What a job made by {@link #of} does when it runs. */
    @FunctionalInterface
    interface Work {
        /** As {@link Job#run}. */
        Map<String, Object> run(JobContext context) throws Exception;
    }

    /** A job of {@code type} that writes {@code tables} and does {@code work}. */
    static Job of(String type, List<LakeTableName> tables, Work work) {
        String name = requireNonNull(type, "type is null");
        List<LakeTableName> written = List.copyOf(tables);
        requireNonNull(work, "work is null");
        return new Job() {
            @Override
            public String type() {
                return name;
            }

            @Override
            public List<LakeTableName> tables() {
                return written;
            }

            @Override
            public Map<String, Object> run(JobContext context) throws Exception {
                return work.run(context);
            }
        };
    }
}
