package dev.pondhouse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthenticatedUserTest {

    @Test
    void rolesAreCopiedSortedAndUnmodifiable() {
        Set<String> roles = new HashSet<>(Set.of("viewer", "admin", "analyst"));
        AuthenticatedUser user = new AuthenticatedUser("alice", roles);
        roles.clear();

        assertThat(user.roles()).containsExactly("admin", "analyst", "viewer");
        assertThat(user.hasRole("admin")).isTrue();
        assertThat(user.hasRole("root")).isFalse();
        assertThatThrownBy(() -> user.roles().add("root")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void equalityIgnoresTheSetImplementation() {
        assertThat(new AuthenticatedUser("alice", Set.of("b", "a")))
                .isEqualTo(new AuthenticatedUser("alice", new HashSet<>(Arrays.asList("a", "b"))));
    }

    @Test
    void invalidValuesAreRefused() {
        assertThatThrownBy(() -> new AuthenticatedUser(null, Set.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("name is null");
        assertThatThrownBy(() -> new AuthenticatedUser(" ", Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("name is blank");
        assertThatThrownBy(() -> new AuthenticatedUser("alice", null))
                .isInstanceOf(NullPointerException.class).hasMessage("roles is null");
        assertThatThrownBy(() -> new AuthenticatedUser("alice", new HashSet<>(Arrays.asList("admin", null))))
                .isInstanceOf(NullPointerException.class).hasMessage("roles contains null");
        assertThatThrownBy(() -> new AuthenticatedUser("alice", Set.of("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank role");
    }
}
