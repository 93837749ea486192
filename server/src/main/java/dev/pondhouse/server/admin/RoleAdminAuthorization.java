package dev.pondhouse.server.admin;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.security.AuthenticatedUser;
import java.util.Optional;

/** Users with one role (configured as {@code admin.role}, default {@code admin}) may do everything; others nothing. */
public final class RoleAdminAuthorization implements AdminAuthorization {
    private final String role;

    public RoleAdminAuthorization(String role) {
        this.role = requireNonNull(role, "role is null");
    }

    @Override
    public boolean mayReadAdmin(AuthenticatedUser user) {
        return user.hasRole(role);
    }

    @Override
    public boolean mayRunJob(AuthenticatedUser user, String job, Optional<String> table) {
        return user.hasRole(role);
    }
}
