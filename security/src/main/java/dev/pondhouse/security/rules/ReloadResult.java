package dev.pondhouse.security.rules;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * What a check of the rule file found.
 *
 * @param outcome whether the rules in force changed
 * @param inForce the rules in force after the check
 * @param problems why the file was rejected; empty unless {@link Outcome#REJECTED}
 * @param checkedAt when the file was checked
 */
public record ReloadResult(Outcome outcome, AccessRules inForce, List<RuleProblem> problems, Instant checkedAt) {

    public enum Outcome {
        /** The file changed and its rules are now in force. */
        RELOADED,
        /** The file holds what is in force already (same content hash); nothing was done. */
        UNCHANGED,
        /** The file changed but cannot be used; the previous rules stay in force. */
        REJECTED
    }

    public ReloadResult {
        requireNonNull(outcome, "outcome is null");
        requireNonNull(inForce, "inForce is null");
        problems = List.copyOf(requireNonNull(problems, "problems is null"));
        requireNonNull(checkedAt, "checkedAt is null");
        if (problems.isEmpty() == (outcome == Outcome.REJECTED)) {
            throw new IllegalArgumentException("a " + outcome + " result " + (problems.isEmpty() ? "needs" : "has no")
                    + " problems");
        }
    }
}
