package dev.pondhouse.security.rules;

import java.util.List;

/**
 * Checks rules against what the server knows before they are put in force: that table patterns match
 * tables, that named columns exist, that row filters and masks are valid expressions of the right type.
 * The parser has already checked the file's own format.
 *
 * <p>Called from the thread that loads the rules (the caller of {@link RuleFileWatcher#start()} or
 * {@link RuleFileWatcher#reload()}, or the watcher's poller), never from two threads at once by one watcher.
 * A validator that throws is a bug: the rules are not put in force and the exception reaches the caller.
 */
@FunctionalInterface
public interface RuleValidator {

    /** Accepts every rule the parser accepts. */
    RuleValidator ACCEPT_ALL = rules -> List.of();

    /**
     * @return every problem found, each with the line of the rule, pattern, column or expression it concerns;
     *     empty if the rules can be used
     */
    List<RuleProblem> validate(AccessRules rules);
}
