package dev.pondhouse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.security.PasswordHasher.Argon2Cost;
import org.apache.shiro.authc.credential.DefaultPasswordService;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final DefaultPasswordService passwordService = new DefaultPasswordService();

    @Test
    void writesArgon2idInShiro2CryptFormatWithTheDefaultCost() {
        String hash = new PasswordHasher().hash("secret".toCharArray());

        assertThat(hash).startsWith("$shiro2$argon2id$v=19$t=3,m=32768,p=1$");
        assertThat(hash.split("\\$")).hasSize(7);
        assertThat(hash).doesNotContain("secret");
    }

    @Test
    void hashVerifiesOnlyTheSamePassword() {
        String password = "pässwörd with spaces and ✓";
        String hash = new PasswordHasher().hash(password.toCharArray());

        assertThat(passwordService.passwordsMatch(password.toCharArray(), hash)).isTrue();
        assertThat(passwordService.passwordsMatch("pässwörd with spaces and x".toCharArray(), hash)).isFalse();
        assertThat(passwordService.passwordsMatch("".toCharArray(), hash)).isFalse();
    }

    @Test
    void saltIsFreshForEveryHash() {
        PasswordHasher hasher = new PasswordHasher(new Argon2Cost(1024, 1, 1));

        assertThat(hasher.hash("same".toCharArray())).isNotEqualTo(hasher.hash("same".toCharArray()));
    }

    @Test
    void hashIsAcceptedByTheUsersFile() {
        String hash = new PasswordHasher().hash("x".toCharArray());

        PasswordHashFormat.requireAccepted(hash);
        IniUserFile userFile = IniUserFileParser.parse("test", "[users]\nx = \"" + hash + "\"\n");
        assertThat(userFile.account("x")).isPresent();
    }

    @Test
    void customCostIsWrittenIntoTheHashAndStillVerifies() {
        PasswordHasher hasher = new PasswordHasher(new Argon2Cost(2048, 2, 2));

        String hash = hasher.hash("cheap".toCharArray());

        assertThat(hash).startsWith("$shiro2$argon2id$v=19$t=2,m=2048,p=2$");
        assertThat(passwordService.passwordsMatch("cheap".toCharArray(), hash)).isTrue();
        assertThat(hasher.cost()).isEqualTo(new Argon2Cost(2048, 2, 2));
    }

    @Test
    void callersPasswordArrayIsLeftAsItWas() {
        char[] password = "keep me".toCharArray();

        new PasswordHasher(new Argon2Cost(1024, 1, 1)).hash(password);

        assertThat(password).isEqualTo("keep me".toCharArray());
    }

    @Test
    void emptyOrNullPasswordIsRefused() {
        PasswordHasher hasher = new PasswordHasher();

        assertThatThrownBy(() -> hasher.hash(new char[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("password is empty");
        assertThatThrownBy(() -> hasher.hash(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("password is null");
    }

    @Test
    void costIsValidated() {
        assertThatThrownBy(() -> new Argon2Cost(1024, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("iterations");
        assertThatThrownBy(() -> new Argon2Cost(1024, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallelism");
        assertThatThrownBy(() -> new Argon2Cost(31, 1, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory must be 32 to");
        assertThatThrownBy(() -> new Argon2Cost(4 * 1024 * 1024 + 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory");
        assertThat(new Argon2Cost(32, 1, 4).memoryKibibytes()).isEqualTo(32);
    }
}
