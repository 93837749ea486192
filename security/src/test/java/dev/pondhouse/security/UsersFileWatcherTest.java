package dev.pondhouse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.security.PasswordHasher.Argon2Cost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileWatcherTest {
    private static final Duration NO_AUTOMATIC_POLL = Duration.ofHours(1);
    private static String hash;

    @TempDir
    Path folder;

    private final AtomicInteger changes = new AtomicInteger();

    @BeforeAll
    static void hashPassword() {
        hash = new PasswordHasher(new Argon2Cost(64, 1, 1)).hash("pw".toCharArray());
    }

    @Test
    void removedUserIsGoneAndNewRolesApplyAfterAChange() throws IOException {
        Path file = write("alice = \"%s\", analyst\nbob = \"%s\"\n");
        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniFile(file);
        try (UsersFileWatcher watcher = started(file, authenticator)) {
            write("alice = \"%s\", analyst, admin\ncarol = \"%s\"\n");

            watcher.poll();

            assertThat(changes).hasValue(1);
            assertThat(authenticator.findUser("bob")).isEmpty();
            assertThat(authenticator.findUser("alice")).contains(new AuthenticatedUser("alice", Set.of("analyst", "admin")));
            assertThat(authenticator.authenticate("carol", "pw".toCharArray(), Optional.empty()))
                    .isInstanceOf(AuthenticationResult.Success.class);
            assertThat(authenticator.authenticate("bob", "pw".toCharArray(), Optional.empty()))
                    .isEqualTo(new AuthenticationResult.Invalid());
        }
    }

    @Test
    void sameContentIsNoChangeAndAChangeIsFoundWhateverTheModificationTime() throws IOException {
        Path file = write("alice = \"%s\"\nbob = \"%s\"\n");
        FileTime modified = Files.getLastModifiedTime(file);
        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniFile(file);
        try (UsersFileWatcher watcher = started(file, authenticator)) {
            write("alice = \"%s\"\nbob = \"%s\"\n");
            assertThat(watcher.reload()).isFalse();

            write("alice = \"%s\"\nbox = \"%s\"\n");
            Files.setLastModifiedTime(file, modified);
            watcher.poll();

            assertThat(changes).hasValue(1);
            assertThat(authenticator.findUser("box")).isPresent();
        }
    }

    @Test
    void badFileKeepsTheUsersInForce() throws IOException {
        Path file = write("alice = \"%s\"\nbob = \"%s\"\n");
        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniFile(file);
        try (UsersFileWatcher watcher = started(file, authenticator)) {
            Files.writeString(file, "[users]\nalice = not-a-hash\n");

            watcher.poll();
            assertThatThrownBy(watcher::reload).isInstanceOf(InvalidUserFileException.class)
                    .hasMessageContaining(file + ": line 2: ");
            Files.delete(file);
            watcher.poll();
            assertThatThrownBy(watcher::reload).isInstanceOf(InvalidUserFileException.class)
                    .hasMessage("users file " + file + " does not exist");

            assertThat(changes).hasValue(0);
            assertThat(authenticator.findUser("bob")).isPresent();
        }
    }

    @Test
    void startPicksUpAChangeMadeSinceTheAuthenticatorWasCreated() throws IOException {
        Path file = write("alice = \"%s\"\nbob = \"%s\"\n");
        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniFile(file);
        write("alice = \"%s\"\ncarol = \"%s\"\n");

        try (UsersFileWatcher watcher = started(file, authenticator)) {
            assertThat(authenticator.findUser("carol")).isPresent();
            assertThat(authenticator.findUser("bob")).isEmpty();
            assertThat(watcher.reload()).isFalse();
        }
    }

    private UsersFileWatcher started(Path file, ShiroUserAuthenticator authenticator) {
        UsersFileWatcher watcher = new UsersFileWatcher(file, authenticator, NO_AUTOMATIC_POLL);
        watcher.addListener(changes::incrementAndGet);
        watcher.start();
        return watcher;
    }

    /** Writes a users file with two users, whose lines are {@code template} with the test hash for each %s. */
    private Path write(String template) throws IOException {
        Path file = folder.resolve("users.ini");
        Files.writeString(file, "[users]\n" + template.formatted(hash, hash));
        return file;
    }
}
