package dev.pondhouse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.security.PasswordHasher.Argon2Cost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading users files: what is accepted, and the errors for what is not. */
class UsersFileTest {
    private static String hash;

    @TempDir
    Path directory;

    @BeforeAll
    static void hashAPassword() {
        hash = new PasswordHasher(new Argon2Cost(1024, 1, 1)).hash("pw".toCharArray());
    }

    @Test
    void readsAFileWithCommentsBlankLinesAndBothSections() throws IOException {
        Path file = directory.resolve("users.ini");
        Files.writeString(file, """
                \uFEFF# Pondhouse users
                ; another comment

                [users]
                  alice   =   "%s" ,  analyst , admin
                bob.smith@example.com = "%s"

                [ roles ]
                admin = admin:*
                analyst =
                """.formatted(hash, hash));

        ShiroUserAuthenticator authenticator = ShiroUserAuthenticator.fromIniFile(file);

        assertThat(authenticator.authenticate("alice", "pw".toCharArray(), Optional.empty()))
                .isEqualTo(new AuthenticationResult.Success(new AuthenticatedUser("alice", Set.of("analyst", "admin"))));
        assertThat(authenticator.findUser("bob.smith@example.com")).map(AuthenticatedUser::roles).contains(Set.of());
    }

    @Test
    void parsedAccountsKeepTheHashButNeverPrintIt() {
        IniUserFile userFile = IniUserFileParser.parse("test", "[users]\nalice = \"" + hash + "\", admin\n");

        UserAccount alice = userFile.account("alice").orElseThrow();
        assertThat(alice.passwordHash()).isEqualTo(hash);
        assertThat(alice.roles()).containsExactly("admin");
        assertThat(alice.toString()).contains("alice").doesNotContain(hash).doesNotContain("$shiro2");
        assertThat(userFile.toString()).doesNotContain(hash);
    }

    @Test
    void missingFileIsNamed() {
        Path missing = directory.resolve("no-such-users.ini");

        assertThatThrownBy(() -> ShiroUserAuthenticator.fromIniFile(missing))
                .isInstanceOf(InvalidUserFileException.class)
                .hasMessage("users file " + missing + " does not exist");
    }

    @Test
    void unreadableFileIsNamed() {
        // A directory cannot be read as a file, even by root (who ignores permission bits).
        assertThatThrownBy(() -> ShiroUserAuthenticator.fromIniFile(directory))
                .isInstanceOf(InvalidUserFileException.class)
                .hasMessageStartingWith("users file " + directory + " cannot be read")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void fileThatIsNotUtf8IsNamed() throws IOException {
        Path file = directory.resolve("latin1.ini");
        Files.write(file, "[users]\nj\u00fcrgen = x\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> ShiroUserAuthenticator.fromIniFile(file))
                .isInstanceOf(InvalidUserFileException.class)
                .hasMessage("users file " + file + " is not UTF-8 text");
    }

    @Test
    void errorsInAFileNameTheFileAndTheLine() throws IOException {
        Path file = directory.resolve("users.ini");
        Files.writeString(file, "[users]\n\nalice = plain-text-password, admin\n");

        assertThatThrownBy(() -> ShiroUserAuthenticator.fromIniFile(file))
                .isInstanceOf(InvalidUserFileException.class)
                .hasMessageStartingWith(file + ": line 3: user 'alice': the password is not a Shiro 2 password hash")
                .hasMessageContaining("./pondhouse hash-password")
                .hasMessageNotContaining("plain-text-password");
    }

    @Test
    void userWithoutPasswordIsRefused() {
        assertRefused("[users]\nalice =\n", "line 2: user 'alice' has no password hash");
        assertRefused("[users]\nalice = , admin\n", "line 2: user 'alice' has no password hash");
        assertRefused("[users]\nalice = \"\", admin\n", "line 2: user 'alice' has no password hash");
    }

    @Test
    void lineWithoutEqualsIsRefusedWithoutEchoingIt() {
        String message = refusalOf("[users]\nalice secret-password\n");

        assertThat(message).contains("line 2: expected 'name = \"password-hash\", role, ...'")
                .doesNotContain("secret-password");
        assertThat(refusalOf("[users]\nalice: hunter2=x\n"))
                .contains("line 2: the text before '=' is not a valid user name")
                .doesNotContain("hunter2");
    }

    @Test
    void hashesThatAreNotAcceptedAreRefusedWithTheReason() {
        assertRefused("[users]\nalice = $shiro1$SHA-256$500000$c2FsdA==$aGFzaA==\n",
                "line 2: user 'alice': Shiro 1 hashes (iterated SHA) are not accepted");
        assertRefused("[users]\nalice = \"" + hash.replace("argon2id", "argon2i") + "\"\n",
                "line 2: user 'alice': the hash uses algorithm 'argon2i', but only argon2id and bcrypt are accepted");
        assertRefused("[users]\nalice = \"" + hash.substring("$shiro2".length()) + "\"\n",
                "line 2: user 'alice': the hash lacks Shiro's '$shiro2' prefix");
        String truncated = hash.substring(0, hash.lastIndexOf('$'));
        String message = refusalOf("[users]\nalice = \"" + truncated + "\"\n");
        assertThat(message).contains("line 2: user 'alice': the argon2id hash is malformed")
                .doesNotContain(truncated.substring(truncated.lastIndexOf('$') + 1));
    }

    @Test
    void quotesMustBeClosed() {
        assertRefused("[users]\nalice = \"" + hash + ", admin\n", "line 2: user 'alice': a double quote is not closed");
    }

    @Test
    void rolesMustBeNamedAndNonEmpty() {
        assertRefused("[users]\nalice = \"" + hash + "\", admin,\n",
                "line 2: user 'alice' has an empty role");
        assertRefused("[users]\nalice = \"" + hash + "\", ad min\n",
                "line 2: user 'alice': 'ad min' is not a valid role name");
    }

    @Test
    void duplicatesAreRefused() {
        assertRefused("[users]\nalice = \"" + hash + "\"\nalice = \"" + hash + "\", admin\n",
                "line 3: user 'alice' is defined a second time (first at line 2)");
        assertRefused("[users]\nalice = \"" + hash + "\"\n[roles]\na = x\n[users]\nbob = \"" + hash + "\"\n",
                "line 5: section [users] appears a second time (first at line 1)");
        assertRefused("[users]\nalice = \"" + hash + "\"\n[roles]\nadmin = a\nadmin = b\n",
                "line 5: role 'admin' is defined a second time (first at line 4)");
    }

    @Test
    void sectionsAreChecked() {
        assertRefused("alice = \"" + hash + "\"\n", "line 1: an entry before any section");
        assertRefused("[main]\nsecurityManager.realms = $realm\n", "line 1: unknown section [main]");
        assertRefused("[users\n", "line 1: a section header must look like [users]");
    }

    @Test
    void fileWithoutUsersIsRefused() {
        assertThatThrownBy(() -> ShiroUserAuthenticator.fromIniText("# nothing\n[roles]\nadmin = admin:*\n"))
                .isInstanceOf(InvalidUserFileException.class)
                .hasMessageStartingWith("users INI text: no users are defined");
        assertThatThrownBy(() -> ShiroUserAuthenticator.fromIniText(""))
                .isInstanceOf(InvalidUserFileException.class)
                .hasMessageContaining("no users are defined");
    }

    @Test
    void malformedPermissionIsRefused() {
        assertRefused("[users]\nalice = \"" + hash + "\"\n[roles]\nadmin = admin:*, \"job:,\"\n",
                "line 4: role 'admin': permission 'job:,' is malformed");
        assertRefused("[users]\nalice = \"" + hash + "\"\n[roles]\nadmin = admin:*,,job:run\n",
                "line 4: role 'admin': permission '' is malformed");
    }

    private static void assertRefused(String text, String expectedPart) {
        assertThat(refusalOf(text)).startsWith("users INI text: ").contains(expectedPart).doesNotContain(saltAndHash());
    }

    private static String refusalOf(String text) {
        try {
            ShiroUserAuthenticator.fromIniText(text);
        } catch (InvalidUserFileException refused) {
            return refused.getMessage();
        }
        throw new AssertionError("expected the users file to be refused:\n" + text);
    }

    private static String saltAndHash() {
        return ShiroUserAuthenticatorTest.saltAndHashOf(hash);
    }
}
