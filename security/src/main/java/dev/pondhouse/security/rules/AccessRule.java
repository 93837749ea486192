package dev.pondhouse.security.rules;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.security.AuthenticatedUser;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One rule of the rule file, as written. See {@link AccessRuleFile} for the format.
 *
 * @param line the 1-based line the rule starts on
 * @param users user names (exact) or {@value #EVERY_USER}; empty when the rule names none
 * @param roles role names (exact); empty when the rule names none
 * @param tables the tables the rule covers; not empty
 * @param privileges what the rule grants; empty for a deny rule
 * @param rowFilter a SQL boolean expression rows must satisfy to be read, as written
 * @param columns hidden and masked columns by column name in lower case, in file order
 */
public record AccessRule(
        int line,
        List<String> users,
        List<String> roles,
        List<TablePattern> tables,
        Set<Privilege> privileges,
        Optional<SourceText> rowFilter,
        Map<String, ColumnRule> columns) {

    /** In {@code users}, every user. */
    public static final String EVERY_USER = "*";

    public AccessRule {
        users = List.copyOf(requireNonNull(users, "users is null"));
        roles = List.copyOf(requireNonNull(roles, "roles is null"));
        tables = List.copyOf(requireNonNull(tables, "tables is null"));
        requireNonNull(privileges, "privileges is null");
        privileges = Collections.unmodifiableSet(privileges.isEmpty() ? EnumSet.noneOf(Privilege.class) : EnumSet.copyOf(privileges));
        requireNonNull(rowFilter, "rowFilter is null");
        requireNonNull(columns, "columns is null");
        Map<String, ColumnRule> copy = new LinkedHashMap<>();
        columns.forEach((name, rule) -> {
            String key = requireNonNull(name, "column name is null").toLowerCase(Locale.ROOT);
            if (copy.put(key, requireNonNull(rule, "column rule is null")) != null) {
                throw new IllegalArgumentException("column '" + name + "' is named twice (ignoring case)");
            }
        });
        columns = Collections.unmodifiableMap(copy);
        if (line < 1) {
            throw new IllegalArgumentException("line must be at least 1, was " + line);
        }
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("rule on line " + line + " names no tables");
        }
        if (privileges.isEmpty() && (rowFilter.isPresent() || !columns.isEmpty())) {
            throw new IllegalArgumentException("deny rule on line " + line + " has a row filter or column rules");
        }
    }

    /** Whether this rule denies: it grants nothing, and being first, stops later rules from granting. */
    public boolean denies() {
        return privileges.isEmpty();
    }

    /**
     * Whether this rule is about {@code user}: it names neither users nor roles, or it names the user (or
     * {@value #EVERY_USER}), or one of the user's roles. Users and roles are alternatives: a rule with both
     * applies to the users listed and to every holder of a listed role.
     */
    public boolean appliesTo(AuthenticatedUser user) {
        requireNonNull(user, "user is null");
        if (users.isEmpty() && roles.isEmpty()) {
            return true;
        }
        return users.contains(EVERY_USER) || users.contains(user.name()) || roles.stream().anyMatch(user::hasRole);
    }

    /** Whether one of this rule's table patterns matches {@code schema.table} (ignoring case). */
    public boolean covers(String schema, String table) {
        return tables.stream().anyMatch(pattern -> pattern.matches(schema, table));
    }
}
