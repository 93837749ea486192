package dev.pondhouse.server.admin;

import dev.pondhouse.security.AuthenticatedUser;
import java.util.Optional;

/**
 * Who may use the admin API and the job actions, beyond having logged in. Asked once per request,
 * after authentication and before the request is looked at further (so a user without permission
 * learns nothing about which tables or jobs exist).
 *
 * <p>Implementations are thread-safe. {@link RoleAdminAuthorization} grants everything to one role;
 * the access rules' {@code admin} and {@code job:run:<name>} privileges can back this interface
 * instead without other changes.
 */
public interface AdminAuthorization {
    /** May read the admin API: tables, the job list, any job's status. */
    boolean mayReadAdmin(AuthenticatedUser user);

    /** May start (or cancel) job {@code job}, on {@code table} if it names one ({@code schema.table}). */
    boolean mayRunJob(AuthenticatedUser user, String job, Optional<String> table);
}
