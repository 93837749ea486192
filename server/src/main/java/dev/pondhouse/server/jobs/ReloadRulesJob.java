package dev.pondhouse.server.jobs;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.security.rules.ReloadResult;
import dev.pondhouse.security.rules.RuleFileWatcher;
import dev.pondhouse.security.rules.RuleProblem;
import dev.pondhouse.server.error.PondhouseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code reload-rules}: reads the access rule file now instead of waiting for the next poll. A file
 * that cannot be used fails the job with its problems, line by line; the rules in force stay as they
 * were. Registered only when {@code auth.rules-file} is set.
 */
public final class ReloadRulesJob {
    public static final String NAME = "reload-rules";

    private ReloadRulesJob() {}

    public static JobDefinition definition(RuleFileWatcher rules) {
        requireNonNull(rules, "rules is null");
        return new JobDefinition(NAME, "Reads the access rule file now; a bad file keeps the rules in force.",
                JobDefinition.TableArgument.NONE, request -> {
                    request.parameters().requireOnly();
                    return Job.of(NAME, List.of(), context -> reload(rules, context));
                });
    }

    private static Map<String, Object> reload(RuleFileWatcher rules, JobContext context) {
        context.progress(0, "reading the rule file");
        ReloadResult result = rules.reload();
        if (result.outcome() == ReloadResult.Outcome.REJECTED) {
            throw PondhouseException.userError("the rule file was not put in force; the previous rules stay: "
                    + result.problems().stream().map(RuleProblem::toString).collect(Collectors.joining("; ")));
        }
        return Map.of("outcome", result.outcome().name().toLowerCase(Locale.ROOT), "rules", result.inForce().rules().size());
    }
}
