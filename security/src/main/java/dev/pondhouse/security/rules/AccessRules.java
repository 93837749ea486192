package dev.pondhouse.security.rules;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.security.AuthenticatedUser;
import java.util.List;
import java.util.Optional;

/**
 * The rules of one rule file, in file order. Immutable and thread-safe. Read them with
 * {@link AccessRuleFile}; keep them current with {@link RuleFileWatcher}.
 *
 * @param rules in file order; possibly none (then nobody may do anything)
 * @param source where they were read from, for messages
 */
public record AccessRules(List<AccessRule> rules, String source) {

    public AccessRules {
        rules = List.copyOf(requireNonNull(rules, "rules is null"));
        requireNonNull(source, "source is null");
    }

    /**
     * What {@code user} may do with {@code schema.table}: the first rule that applies to the user and covers
     * the table decides, and no later rule is consulted for that table.
     *
     * @return empty when no rule matches, or when the first one that matches is a deny rule
     *     ({@code privileges: []}); otherwise the matching rule's grant, {@code ${user}} expanded
     */
    public Optional<TableGrant> grant(AuthenticatedUser user, String schema, String table) {
        return decidingRule(user, schema, table)
                .filter(rule -> !rule.denies())
                .map(rule -> TableGrant.of(rule, user.name()));
    }

    /** The first rule that applies to {@code user} and covers {@code schema.table}, deny rules included. */
    public Optional<AccessRule> decidingRule(AuthenticatedUser user, String schema, String table) {
        requireNonNull(user, "user is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
        return rules.stream()
                .filter(rule -> rule.appliesTo(user) && rule.covers(schema, table))
                .findFirst();
    }
}
