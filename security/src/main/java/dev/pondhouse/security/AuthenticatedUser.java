package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * A user whose credentials were checked, with the roles they hold.
 *
 * @param name the user name, as written in the users file; not blank
 * @param roles the user's roles, possibly none; copied, sorted, and unmodifiable
 */
public record AuthenticatedUser(String name, Set<String> roles) {

    public AuthenticatedUser {
        requireNonNull(name, "name is null");
        requireNonNull(roles, "roles is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name is blank");
        }
        TreeSet<String> sortedRoles = new TreeSet<>();
        for (String role : roles) {
            requireNonNull(role, "roles contains null");
            if (role.isBlank()) {
                throw new IllegalArgumentException("roles of user '" + name + "' contain a blank role");
            }
            sortedRoles.add(role);
        }
        roles = Collections.unmodifiableSortedSet(sortedRoles);
    }

    /** Whether this user holds {@code role}. */
    public boolean hasRole(String role) {
        return roles.contains(requireNonNull(role, "role is null"));
    }
}
