package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import org.apache.shiro.crypto.hash.HashProvider;
import org.apache.shiro.crypto.hash.format.Shiro2CryptFormat;

/**
 * Which stored password hashes the users file accepts: Shiro 2's crypt format ({@code $shiro2$...}) with
 * argon2id (what {@link PasswordHasher} writes) or bcrypt ({@code 2}, {@code 2a}, {@code 2b}, {@code 2y}).
 * Plain-text passwords, Shiro 1's iterated SHA hashes and argon2i/argon2d are refused.
 *
 * <p>Messages say what is wrong and what to do, and never quote the hash.
 */
final class PasswordHashFormat {
    static final String PREFIX = Shiro2CryptFormat.MCF_PREFIX;
    static final String ARGON2ID = "argon2id";
    private static final Set<String> BCRYPT_VERSIONS = Set.of("2", "2a", "2b", "2y");
    private static final String CREATE_ONE = "create a hash with './pondhouse hash-password'";

    private PasswordHashFormat() {
    }

    /**
     * Checks that {@code hash} is an accepted, well-formed Shiro 2 hash whose algorithm Shiro can verify.
     *
     * @throws IllegalArgumentException with the reason, if it is not
     */
    static void requireAccepted(String hash) {
        requireNonNull(hash, "hash is null");
        if (!hash.startsWith(PREFIX)) {
            throw new IllegalArgumentException(reasonForForeignFormat(hash));
        }
        String algorithm = algorithmOf(hash);
        if (!algorithm.equals(ARGON2ID) && !BCRYPT_VERSIONS.contains(algorithm)) {
            throw new IllegalArgumentException("the hash uses algorithm '" + algorithm
                    + "', but only argon2id and bcrypt are accepted; " + CREATE_ONE);
        }
        if (HashProvider.getByAlgorithmName(algorithm).isEmpty()) {
            throw new IllegalStateException("no Shiro hash provider for '" + algorithm
                    + "' on the class path (org.apache.shiro.crypto:shiro-hashes-argon2 / shiro-hashes-bcrypt)");
        }
        try {
            new Shiro2CryptFormat().parse(hash);
        } catch (RuntimeException malformed) {
            // Not attached as the cause on purpose: Shiro's parse messages quote the whole hash, and the
            // hash must not reach logs. The exception's type is enough to tell the kind of damage.
            throw new IllegalArgumentException("the " + algorithm + " hash is malformed ("
                    + malformed.getClass().getSimpleName() + "); copy it again in full, or " + CREATE_ONE);
        }
    }

    /** The algorithm section of a {@code $shiro2$<algorithm>$...} string. */
    static String algorithmOf(String hash) {
        String rest = hash.substring(PREFIX.length());
        int end = rest.indexOf('$');
        return end < 0 ? rest : rest.substring(0, end);
    }

    private static String reasonForForeignFormat(String hash) {
        if (hash.startsWith("$shiro1$")) {
            return "Shiro 1 hashes (iterated SHA) are not accepted; " + CREATE_ONE;
        }
        if (hash.startsWith("$argon2") || hash.startsWith("$2")) {
            return "the hash lacks Shiro's '$shiro2' prefix (write $shiro2$argon2id$... or $shiro2$2y$...); "
                    + "or " + CREATE_ONE;
        }
        return "the password is not a Shiro 2 password hash (expected \"$shiro2$argon2id$...\"); "
                + "plain-text passwords are not accepted, " + CREATE_ONE;
    }
}
