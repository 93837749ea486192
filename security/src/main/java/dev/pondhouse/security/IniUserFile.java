package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The content of a users file, already checked: every account has an accepted password hash, and every
 * permission parses. Read one with {@link IniUserFileParser}.
 *
 * @param source where it was read from (a file path), for messages
 * @param accounts the users by name; at least one
 * @param rolePermissions the permissions of each role from the {@code [roles]} section; roles that users
 *     hold but that are not listed there simply have no permissions
 */
record IniUserFile(String source, Map<String, UserAccount> accounts, Map<String, Set<String>> rolePermissions) {

    IniUserFile {
        requireNonNull(source, "source is null");
        accounts = Map.copyOf(requireNonNull(accounts, "accounts is null"));
        requireNonNull(rolePermissions, "rolePermissions is null");
        rolePermissions = rolePermissions.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, entry -> Set.copyOf(entry.getValue())));
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException(source + ": no users are defined");
        }
        accounts.forEach((name, account) -> {
            if (!name.equals(account.name())) {
                throw new IllegalArgumentException("account '" + account.name() + "' is filed under '" + name + "'");
            }
        });
    }

    Optional<UserAccount> account(String name) {
        return Optional.ofNullable(accounts.get(requireNonNull(name, "name is null")));
    }

    /** The union of the permissions of {@code roles}, in a stable order. */
    Set<String> permissionsOf(Set<String> roles) {
        Set<String> permissions = new TreeSet<>();
        for (String role : roles) {
            permissions.addAll(rolePermissions.getOrDefault(role, Set.of()));
        }
        return permissions;
    }
}
