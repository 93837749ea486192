package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pondhouse.server.error.ErrorKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job history on disk: {@value #FILE_NAME} in a folder, one JSON line per state change of a job
 * (the {@link JobStatus#toJson()} form). The last line of a job wins. A job whose last line is QUEUED
 * or RUNNING was cut off by a crash or a kill; it is read back as FAILED.
 *
 * <p>Not thread-safe on its own: the {@link JobRunner} calls it under its lock, which keeps the lines
 * of one job in order. Lines are appended, then the file is rewritten (to a temporary file, moved into
 * place) at start-up and when it has grown to several times the history size.
 */
final class JobHistoryFile {
    static final String FILE_NAME = "job-history.jsonl";
    private static final Logger log = LoggerFactory.getLogger(JobHistoryFile.class);
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};

    private final Path file;
    private final ObjectMapper json;
    private long lines;

    JobHistoryFile(Path folder, ObjectMapper json) {
        this.file = requireNonNull(folder, "folder is null").resolve(FILE_NAME);
        this.json = requireNonNull(json, "json is null");
    }

    Path file() {
        return file;
    }

    /** Lines appended or written since the last rewrite. */
    long lines() {
        return lines;
    }

    /**
     * The jobs in the file, oldest first by submission; unfinished ones turned FAILED as of {@code now}.
     * Lines that cannot be read are skipped and logged.
     */
    List<JobStatus> load(Instant now) throws IOException {
        Map<String, JobStatus> latest = new LinkedHashMap<>();
        int unreadable = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JobStatus status = JobStatus.fromJson(json.readValue(line, JSON_OBJECT));
                    latest.put(status.id(), status);
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    unreadable++;
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        if (unreadable > 0) {
            log.warn("job history {}: {} unreadable line(s) skipped", file, unreadable);
        }
        List<JobStatus> jobs = new ArrayList<>();
        for (JobStatus status : latest.values()) {
            jobs.add(status.state().finished() ? status : cutOff(status, now));
        }
        jobs.sort(Comparator.comparing(JobStatus::submitted).thenComparing(JobStatus::id));
        return jobs;
    }

    private static JobStatus cutOff(JobStatus status, Instant now) {
        return status.with(JobState.FAILED, status.started(), Optional.of(now), status.progress(), status.cancelRequested(),
                Map.of(), Optional.of(JobError.of(ErrorKind.UNAVAILABLE, "the server stopped while the job was "
                        + status.state() + " and recorded no end; what it committed before is kept, run it again if needed")));
    }

    void append(JobStatus status) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line(status), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            lines++;
        } catch (IOException e) {
            log.warn("job history {}: job {} not recorded: {}", file, status.id(), e.getMessage());
        }
    }

    /** Replaces the file's content with {@code jobs}, one line each. */
    void rewrite(List<JobStatus> jobs) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
            StringBuilder content = new StringBuilder();
            for (JobStatus status : jobs) {
                content.append(line(status));
            }
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            lines = jobs.size();
        } catch (IOException e) {
            log.warn("job history {} not rewritten: {}", file, e.getMessage());
        }
    }

    private String line(JobStatus status) {
        try {
            return json.writeValueAsString(status.toJson()) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
