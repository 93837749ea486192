package dev.pondhouse.security.rules;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one user may do with one table: what the first matching rule says, with {@code ${user}} expanded
 * to that user's name. Made by {@link AccessRules#grant}; never empty of privileges.
 *
 * @param rule the rule that decided, for messages and audit
 * @param privileges at least one
 * @param rowFilter the SQL boolean expression rows must satisfy, ready to use
 * @param columns hidden and masked columns by lower-case name; masks ready to use (line numbers kept)
 */
public record TableGrant(AccessRule rule, Set<Privilege> privileges, Optional<String> rowFilter, Map<String, ColumnRule> columns) {

    public TableGrant {
        requireNonNull(rule, "rule is null");
        requireNonNull(privileges, "privileges is null");
        if (privileges.isEmpty()) {
            throw new IllegalArgumentException("a grant needs at least one privilege (rule on line " + rule.line() + ")");
        }
        privileges = Collections.unmodifiableSet(EnumSet.copyOf(privileges));
        requireNonNull(rowFilter, "rowFilter is null");
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(columns, "columns is null")));
    }

    /** Makes the grant of {@code rule}, which grants something, for the user called {@code user}. */
    public static TableGrant of(AccessRule rule, String user) {
        Map<String, ColumnRule> columns = new LinkedHashMap<>();
        rule.columns().forEach((name, columnRule) -> columns.put(name, expand(columnRule, user)));
        Optional<String> rowFilter = rule.rowFilter().map(filter -> UserPlaceholder.expand(filter.text(), user));
        return new TableGrant(rule, rule.privileges(), rowFilter, columns);
    }

    public boolean allows(Privilege privilege) {
        return privileges.contains(requireNonNull(privilege, "privilege is null"));
    }

    private static ColumnRule expand(ColumnRule columnRule, String user) {
        if (columnRule instanceof ColumnRule.Mask mask) {
            SourceText expression = mask.expression();
            return new ColumnRule.Mask(new SourceText(UserPlaceholder.expand(expression.text(), user), expression.line()),
                    mask.line());
        }
        return columnRule;
    }
}
