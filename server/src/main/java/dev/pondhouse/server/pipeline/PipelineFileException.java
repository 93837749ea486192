package dev.pondhouse.server.pipeline;

import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import java.util.List;

/**
 * A pipeline file cannot be used. The message names the file and the line of each problem, e.g.
 * {@code pipelines/daily.yaml line 14: unknown mode 'upsert' (expected one of: overwrite, append,
 * replace-partitions, merge)}; several problems are listed one per line.
 */
public final class PipelineFileException extends PondhouseException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    /** One thing wrong, at a 1-based {@code line} (0: the whole file). */
    public record Problem(int line, String message) {
        @Override
        public String toString() {
            return line == 0 ? message : "line " + line + ": " + message;
        }
    }

    public PipelineFileException(String file, List<Problem> problems) {
        super(ErrorKind.USER_ERROR, message(file, problems));
        this.problems = List.copyOf(problems);
    }

    public PipelineFileException(String file, int line, String message) {
        this(file, List.of(new Problem(line, message)));
    }

    /** The problems in file order; never empty. */
    public List<Problem> problems() {
        return problems;
    }

    private static String message(String file, List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a pipeline file exception needs a problem");
        }
        if (problems.size() == 1) {
            Problem problem = problems.get(0);
            return file + (problem.line() == 0 ? ": " : " line " + problem.line() + ": ") + problem.message();
        }
        StringBuilder message = new StringBuilder(file).append(" has ").append(problems.size()).append(" problems:");
        problems.forEach(problem -> message.append("\n  ").append(problem));
        return message.toString();
    }
}
