package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.shiro.authz.permission.WildcardPermission;
import org.apache.shiro.lang.util.StringUtils;

/**
 * Reads a users file: the {@code [users]} and {@code [roles]} sections of a Shiro INI file.
 *
 * <pre>
 * # Comments start with '#' or ';'.
 * [users]
 * # name = password-hash[, role ...]
 * alice = "$shiro2$argon2id$v=19$t=3,m=32768,p=1$&lt;salt&gt;$&lt;hash&gt;", analyst, admin
 * bob   = $shiro2$2y$10$&lt;salt and hash&gt;, analyst
 *
 * [roles]
 * # role = permission[, permission ...]  (Shiro wildcard permissions; quote one that contains commas)
 * admin = admin:*, "job:run:compaction,vacuum"
 * </pre>
 *
 * <p>Values are split at commas the way Shiro's own INI realm splits them ({@link StringUtils#split}):
 * text in double quotes stays in one piece and loses its quotes, and {@code ""} inside quotes is one
 * quote. An argon2 hash contains commas ({@code t=3,m=32768,p=1}), so it must be quoted; an unquoted one
 * is reported as such. bcrypt hashes contain no commas and may be quoted or not.
 *
 * <p>Stricter than Shiro's reader, on purpose: only {@code [users]} and {@code [roles]} may appear, each
 * once; entries need {@code =}; a user or role defined twice, an empty role, a malformed permission, or a
 * password that is not an accepted hash ({@link PasswordHashFormat}) is an error naming the source, the
 * line and the user or role. Line continuations ({@code \}) are not supported. No message quotes a
 * password or a hash.
 */
final class IniUserFileParser {
    static final String USERS_SECTION = "users";
    static final String ROLES_SECTION = "roles";

    /** User names: letters, digits and {@code . _ @ + -}, not starting with punctuation other than {@code _}. */
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._@+-]*");
    private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final String source;
    private final Map<String, UserAccount> accounts = new LinkedHashMap<>();
    private final Map<String, Integer> accountLines = new HashMap<>();
    private final Map<String, Set<String>> rolePermissions = new LinkedHashMap<>();
    private final Map<String, Integer> roleLines = new HashMap<>();
    private final Map<String, Integer> sectionLines = new HashMap<>();

    private IniUserFileParser(String source) {
        this.source = requireNonNull(source, "source is null");
    }

    /**
     * Parses {@code text}.
     *
     * @param source where the text comes from (a file path), used in messages
     * @throws InvalidUserFileException if anything in it is wrong; the message names source, line and reason
     */
    static IniUserFile parse(String source, String text) {
        requireNonNull(text, "text is null");
        return new IniUserFileParser(source).read(text);
    }

    private IniUserFile read(String text) {
        String withoutByteOrderMark = !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
        List<String> lines = withoutByteOrderMark.lines().toList();
        String section = null;
        for (int index = 0; index < lines.size(); index++) {
            int lineNumber = index + 1;
            String line = lines.get(index).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                section = readSectionHeader(lineNumber, line);
            } else if (section == null) {
                throw error(lineNumber, "an entry before any section; put it under [" + USERS_SECTION + "] or ["
                        + ROLES_SECTION + "]");
            } else if (section.equals(USERS_SECTION)) {
                readUser(lineNumber, line);
            } else {
                readRole(lineNumber, line);
            }
        }
        if (accounts.isEmpty()) {
            throw new InvalidUserFileException(source + ": no users are defined; add a [" + USERS_SECTION
                    + "] section with lines 'name = \"password-hash\", role, ...'");
        }
        return new IniUserFile(source, accounts, rolePermissions);
    }

    private String readSectionHeader(int lineNumber, String line) {
        if (!line.endsWith("]")) {
            throw error(lineNumber, "a section header must look like [" + USERS_SECTION + "]");
        }
        String name = line.substring(1, line.length() - 1).strip();
        if (!name.equals(USERS_SECTION) && !name.equals(ROLES_SECTION)) {
            throw error(lineNumber, "unknown section [" + name + "]; a users file has only [" + USERS_SECTION
                    + "] and [" + ROLES_SECTION + "]");
        }
        Integer earlier = sectionLines.putIfAbsent(name, lineNumber);
        if (earlier != null) {
            throw error(lineNumber, "section [" + name + "] appears a second time (first at line " + earlier
                    + "); merge them into one");
        }
        return name;
    }

    private void readUser(int lineNumber, String line) {
        int equals = line.indexOf('=');
        if (equals < 0) {
            throw error(lineNumber, "expected 'name = \"password-hash\", role, ...'");
        }
        String name = line.substring(0, equals).strip();
        if (!USER_NAME.matcher(name).matches()) {
            // The name is not echoed: on a malformed line it may hold part of a password.
            throw error(lineNumber, "the text before '=' is not a valid user name (letters, digits and . _ @ + -); "
                    + "write 'name = \"password-hash\", role, ...'");
        }
        Integer earlier = accountLines.putIfAbsent(name, lineNumber);
        if (earlier != null) {
            throw error(lineNumber, "user '" + name + "' is defined a second time (first at line " + earlier + ")");
        }
        String value = line.substring(equals + 1).strip();
        if (value.isEmpty()) {
            throw error(lineNumber, "user '" + name + "' has no password hash; " + createHashHint());
        }
        if (countOf('"', value) % 2 != 0) {
            throw error(lineNumber, "user '" + name + "': a double quote is not closed");
        }
        String[] tokens = StringUtils.split(value);
        String hash = tokens[0];
        if (hash.isEmpty()) {
            throw error(lineNumber, "user '" + name + "' has no password hash; " + createHashHint());
        }
        if (isUnquotedArgon2Hash(tokens)) {
            throw error(lineNumber, "user '" + name + "': the argon2 hash contains commas and must be in double "
                    + "quotes: " + name + " = \"$shiro2$argon2id$...\", role, ...");
        }
        try {
            PasswordHashFormat.requireAccepted(hash);
        } catch (IllegalArgumentException refused) {
            throw error(lineNumber, "user '" + name + "': " + refused.getMessage());
        }
        Set<String> roles = new LinkedHashSet<>();
        for (String role : Arrays.asList(tokens).subList(1, tokens.length)) {
            if (role.isEmpty()) {
                throw error(lineNumber, "user '" + name + "' has an empty role (two commas in a row, or one at the end)");
            }
            if (!ROLE_NAME.matcher(role).matches()) {
                throw error(lineNumber, "user '" + name + "': '" + role
                        + "' is not a valid role name (letters, digits and . _ -)");
            }
            roles.add(role);
        }
        accounts.put(name, new UserAccount(name, hash, roles));
    }

    private void readRole(int lineNumber, String line) {
        int equals = line.indexOf('=');
        if (equals < 0) {
            throw error(lineNumber, "expected 'role = permission, ...'");
        }
        String role = line.substring(0, equals).strip();
        if (!ROLE_NAME.matcher(role).matches()) {
            throw error(lineNumber, "'" + role + "' is not a valid role name (letters, digits and . _ -)");
        }
        Integer earlier = roleLines.putIfAbsent(role, lineNumber);
        if (earlier != null) {
            throw error(lineNumber, "role '" + role + "' is defined a second time (first at line " + earlier + ")");
        }
        String value = line.substring(equals + 1).strip();
        if (countOf('"', value) % 2 != 0) {
            throw error(lineNumber, "role '" + role + "': a double quote is not closed");
        }
        Set<String> permissions = new LinkedHashSet<>();
        if (!value.isEmpty()) {
            for (String permission : StringUtils.split(value)) {
                try {
                    new WildcardPermission(permission);
                } catch (IllegalArgumentException malformed) {
                    throw error(lineNumber, "role '" + role + "': permission '" + permission + "' is malformed: "
                            + malformed.getMessage());
                }
                permissions.add(permission);
            }
        }
        rolePermissions.put(role, permissions);
    }

    /** {@code $shiro2$argon2id$v=19$t=3,m=32768,p=1$...} split at its commas leaves {@code m=...} as a role. */
    private static boolean isUnquotedArgon2Hash(String[] tokens) {
        return tokens[0].startsWith(PasswordHashFormat.PREFIX + "argon2")
                && tokens.length > 1
                && tokens[1].startsWith("m=");
    }

    private static int countOf(char character, String text) {
        return (int) text.chars().filter(each -> each == character).count();
    }

    private static String createHashHint() {
        return "create one with './pondhouse hash-password'";
    }

    private InvalidUserFileException error(int lineNumber, String reason) {
        return new InvalidUserFileException(source + ": line " + lineNumber + ": " + reason);
    }
}
