package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The finished jobs a {@link JobRunner} remembers: the newest {@code size} of them in memory, and,
 * with a {@link JobHistoryFile}, every state change of every job appended to it so the history
 * survives restarts. The file is rewritten with what is remembered when it holds
 * {@value #FILE_SLACK} times more lines than that.
 *
 * <p>Not thread-safe: the runner calls it under its own monitor.
 */
final class JobHistory {
    private static final Logger log = LoggerFactory.getLogger(JobHistory.class);
    /** The history file is rewritten when it has this many times more lines than the history holds. */
    private static final int FILE_SLACK = 4;

    private final int size;
    private final Optional<JobHistoryFile> file;
    private final LinkedHashMap<String, JobStatus> finished;

    /**
     * @param size finished jobs remembered, at least 1
     * @param file where state changes are appended; empty keeps the history in memory only
     */
    JobHistory(int size, Optional<JobHistoryFile> file) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1: " + size);
        }
        this.size = size;
        this.file = requireNonNull(file, "file is null");
        this.finished = new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, JobStatus> eldest) {
                return size() > JobHistory.this.size;
            }
        };
    }

    /** Reads the file back (jobs it shows unfinished are recorded as interrupted at {@code now}) and rewrites it. */
    void load(Instant now) throws IOException {
        if (file.isEmpty()) {
            return;
        }
        file.get().load(now).forEach(status -> finished.put(status.id(), status));
        file.get().rewrite(List.copyOf(finished.values()));
        log.info("job history {}: {} job(s) read back", file.get().file(), finished.size());
    }

    /** Records a job's new state in the file. */
    void stateChanged(JobStatus status) {
        file.ifPresent(present -> present.append(status));
    }

    /**
     * Remembers a finished job (its final state was recorded with {@link #stateChanged}), and
     * rewrites the file when it has grown past its slack.
     *
     * @param active the jobs still queued or running, kept in a rewritten file
     */
    void finished(JobStatus status, Collection<JobStatus> active) {
        finished.put(status.id(), status);
        if (file.isPresent() && file.get().lines() > (long) FILE_SLACK * size) {
            List<JobStatus> kept = new ArrayList<>(finished.values());
            kept.addAll(active);
            file.get().rewrite(kept);
        }
    }

    /** A remembered finished job. */
    Optional<JobStatus> get(String id) {
        return Optional.ofNullable(finished.get(id));
    }

    /** The remembered finished jobs, oldest first. */
    List<JobStatus> all() {
        return List.copyOf(finished.values());
    }
}
