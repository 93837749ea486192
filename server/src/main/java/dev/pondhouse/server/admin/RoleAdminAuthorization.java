package dev.pondhouse.server.admin;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.security.AuthenticatedUser;
import dev.pondhouse.security.rules.AccessRules;
import dev.pondhouse.security.rules.Privilege;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Users with one role (configured as {@code admin.role}, default {@code admin}) may do everything.
 * Besides, a job on a table may be run by a user whom the access rules grant {@code admin} on that
 * table (the first rule matching the user and the table decides, as for reading).
 */
public final class RoleAdminAuthorization implements AdminAuthorization {
    private final String role;
    private final Supplier<Optional<AccessRules>> rules;

    /** @param rules the access rules in force, or empty when no rule file is configured */
    public RoleAdminAuthorization(String role, Supplier<Optional<AccessRules>> rules) {
        this.role = requireNonNull(role, "role is null");
        this.rules = requireNonNull(rules, "rules is null");
    }

    @Override
    public boolean mayReadAdmin(AuthenticatedUser user) {
        return user.hasRole(role);
    }

    @Override
    public boolean mayRunJob(AuthenticatedUser user, String job, Optional<String> table) {
        if (user.hasRole(role)) {
            return true;
        }
        if (table.isEmpty() || table.get().indexOf('.') < 0) {
            return false;
        }
        String name = table.get();
        int dot = name.indexOf('.');
        return rules.get()
                .flatMap(inForce -> inForce.grant(user, name.substring(0, dot), name.substring(dot + 1)))
                .map(grant -> grant.allows(Privilege.ADMIN))
                .orElse(false);
    }
}
