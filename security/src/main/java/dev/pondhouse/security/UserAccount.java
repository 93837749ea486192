package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * One user from the users file: name, stored password hash (Shiro 2 crypt format), and roles.
 * {@link #toString()} leaves the hash out, so an account can be logged safely.
 */
record UserAccount(String name, String passwordHash, Set<String> roles) {

    UserAccount {
        requireNonNull(name, "name is null");
        requireNonNull(passwordHash, "passwordHash is null");
        roles = Set.copyOf(requireNonNull(roles, "roles is null"));
        if (name.isBlank()) {
            throw new IllegalArgumentException("name is blank");
        }
        if (passwordHash.isBlank()) {
            throw new IllegalArgumentException("password hash of user '" + name + "' is blank");
        }
    }

    @Override
    public String toString() {
        return "UserAccount[name=" + name + ", passwordHash=<redacted>, roles=" + roles + "]";
    }
}
