package dev.pondhouse.server.cli;

import dev.pondhouse.security.PasswordHasher;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code pondhouse hash-password}: prints a password hash for the users file. */
@Command(name = "hash-password", mixinStandardHelpOptions = true,
        description = {"Prints an argon2id password hash for the users file.",
                "Reads the password at a prompt on a terminal, else one line from standard input. The hash is",
                "printed quoted for INI: alice = \"<hash>\", role1, role2"})
public final class HashPasswordCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        char[] password;
        Console console = System.console();
        if (console != null) {
            password = console.readPassword("Password: ");
            char[] again = console.readPassword("Again: ");
            if (password == null || again == null || !Arrays.equals(password, again)) {
                System.err.println("pondhouse: the passwords differ");
                return 1;
            }
            Arrays.fill(again, '\0');
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password.length == 0) {
            System.err.println("pondhouse: the password is empty");
            return 1;
        }
        try {
            System.out.println('"' + new PasswordHasher().hash(password) + '"');
        } finally {
            Arrays.fill(password, '\0');
        }
        return 0;
    }
}
