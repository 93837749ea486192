package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import org.apache.shiro.crypto.hash.DefaultHashService;
import org.apache.shiro.crypto.hash.Hash;
import org.apache.shiro.crypto.hash.HashRequest;
import org.apache.shiro.crypto.hash.HashService;
import org.apache.shiro.crypto.hash.format.Shiro2CryptFormat;
import org.apache.shiro.crypto.support.hashes.argon2.Argon2HashProvider;
import org.apache.shiro.lang.util.ByteSource;

/**
 * Hashes a password into the text the users file stores: argon2id with a fresh random salt, in Shiro 2's
 * crypt format, for example {@code $shiro2$argon2id$v=19$t=3,m=32768,p=1$<salt>$<hash>}. The hash
 * contains commas, so in the users file it goes in double quotes (see {@link ShiroUserAuthenticator}).
 *
 * <p>{@link #DEFAULT_COST} takes about 100 ms per hash (and so per login) on a small two-core machine
 * and 32 MiB of memory while it runs. The parameters are written into every hash, so changing the cost
 * later keeps existing hashes valid.
 *
 * <p>Thread-safe.
 */
public final class PasswordHasher {

    /** 32 MiB, 3 passes, 1 lane: about 100 ms on two cores; stronger than OWASP's 19 MiB, 2 passes. */
    public static final Argon2Cost DEFAULT_COST = new Argon2Cost(32 * 1024, 3, 1);

    private final Argon2Cost cost;
    private final HashService hashService = new DefaultHashService();
    private final Shiro2CryptFormat format = new Shiro2CryptFormat();

    /** A hasher with {@link #DEFAULT_COST}. */
    public PasswordHasher() {
        this(DEFAULT_COST);
    }

    public PasswordHasher(Argon2Cost cost) {
        this.cost = requireNonNull(cost, "cost is null");
    }

    public Argon2Cost cost() {
        return cost;
    }

    /**
     * Hashes {@code password}. The caller keeps ownership of the array and may clear it afterwards.
     *
     * @return the hash in Shiro 2 crypt format, accepted by {@link ShiroUserAuthenticator}
     * @throws IllegalArgumentException if the password is empty
     */
    public String hash(char[] password) {
        requireNonNull(password, "password is null");
        if (password.length == 0) {
            throw new IllegalArgumentException("password is empty");
        }
        HashRequest request = new HashRequest.Builder()
                .setSource(ByteSource.Util.bytes(password))
                .setAlgorithmName(PasswordHashFormat.ARGON2ID)
                // Shiro's argon2 factory reads these parameters as strings.
                .addParameter(Argon2HashProvider.Parameters.PARAMETER_MEMORY_KIB, Integer.toString(cost.memoryKibibytes()))
                .addParameter(Argon2HashProvider.Parameters.PARAMETER_ITERATIONS, Integer.toString(cost.iterations()))
                .addParameter(Argon2HashProvider.Parameters.PARAMETER_PARALLELISM, Integer.toString(cost.parallelism()))
                .build();
        Hash hash = hashService.computeHash(request);
        return format.format(hash);
    }

    /**
     * How expensive each argon2id hash is.
     *
     * @param memoryKibibytes memory in KiB (argon2 {@code m}); at least 8 per lane, at most 4 GiB
     * @param iterations passes over the memory (argon2 {@code t}); at least 1
     * @param parallelism lanes (argon2 {@code p}); 1 to 64. Shiro's argon2 (Bouncy Castle) computes lanes
     *     one after another, so more lanes do not make a hash faster here.
     */
    public record Argon2Cost(int memoryKibibytes, int iterations, int parallelism) {
        private static final int MAXIMUM_MEMORY_KIBIBYTES = 4 * 1024 * 1024;
        private static final int MAXIMUM_PARALLELISM = 64;

        public Argon2Cost {
            if (parallelism < 1 || parallelism > MAXIMUM_PARALLELISM) {
                throw new IllegalArgumentException("argon2 parallelism must be 1 to " + MAXIMUM_PARALLELISM
                        + ", was " + parallelism);
            }
            if (iterations < 1) {
                throw new IllegalArgumentException("argon2 iterations must be at least 1, was " + iterations);
            }
            if (memoryKibibytes < 8 * parallelism || memoryKibibytes > MAXIMUM_MEMORY_KIBIBYTES) {
                throw new IllegalArgumentException("argon2 memory must be " + 8 * parallelism + " to "
                        + MAXIMUM_MEMORY_KIBIBYTES + " KiB for " + parallelism + " lane(s), was " + memoryKibibytes);
            }
        }
    }
}
