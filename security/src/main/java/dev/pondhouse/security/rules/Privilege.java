package dev.pondhouse.security.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a rule lets its users do with a table. The privileges are independent: {@code write} does not
 * include {@code read}, and {@code admin} includes neither.
 */
public enum Privilege {
    /** Query the table (through the view the rule's row filter and columns shape). */
    READ,
    /** Add rows: bulk ingest and append. */
    WRITE,
    /** Run the table's jobs: compaction, vacuum, checkpoint. */
    ADMIN;

    /** The name written in the rule file: {@code read}, {@code write}, {@code admin}. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The privilege written as {@code name} in a rule file (exactly, lower case). */
    static Optional<Privilege> fromFileName(String name) {
        return Arrays.stream(values()).filter(privilege -> privilege.fileName().equals(name)).findFirst();
    }

    /** {@code "read, write, admin"}, for messages. */
    static String fileNames() {
        return Arrays.stream(values()).map(Privilege::fileName).collect(Collectors.joining(", "));
    }
}
