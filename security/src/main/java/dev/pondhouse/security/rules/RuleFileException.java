package dev.pondhouse.security.rules;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A rule file could not be used. The message names the file and the line of each problem, for example
 * {@code rules.yaml line 12: unknown key 'row_filter' (expected one of: users, roles, tables, privileges,
 * row-filter, columns)}. Several problems (in different rules, or found by a {@link RuleValidator}) are
 * listed one per line.
 */
public final class RuleFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final transient List<RuleProblem> problems;

    /** One problem at {@code line} (0: the whole file). */
    public RuleFileException(String source, int line, String message) {
        this(source, List.of(new RuleProblem(line, message)));
    }

    /** @param problems at least one */
    public RuleFileException(String source, List<RuleProblem> problems) {
        super(message(requireNonNull(source, "source is null"), List.copyOf(requireNonNull(problems, "problems is null"))));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file, as named to the parser. */
    public String source() {
        return source;
    }

    /** The problems in the order found (file order within each stage); never empty. */
    public List<RuleProblem> problems() {
        return problems;
    }

    /** The line of the first problem; 0 if it concerns the whole file. */
    public int line() {
        return problems.get(0).line();
    }

    private static String message(String source, List<RuleProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a rule file exception needs at least one problem");
        }
        if (problems.size() == 1) {
            return location(source, problems.get(0)) + problems.get(0).message();
        }
        StringBuilder message = new StringBuilder(source).append(" has ").append(problems.size()).append(" problems:");
        for (RuleProblem problem : problems) {
            message.append("\n  ").append(problem);
        }
        return message.toString();
    }

    private static String location(String source, RuleProblem problem) {
        return problem.line() == 0 ? source + ": " : source + " line " + problem.line() + ": ";
    }
}
