package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows down password guessing. Failed logins are counted per user name and per client address within a
 * sliding window. Once either count reaches its limit, further attempts for that name or from that address
 * are refused, without checking the password, until a delay has passed since the last failure: the first
 * delay after the limit is {@link Limits#firstDelay()}, and each further failure doubles it, up to
 * {@link Limits#maximumDelay()}. Failures older than the window are forgotten, so a user who stops guessing
 * is let in again after at most the window.
 *
 * <p>A successful login clears the user name's failures but not the address's: an address that guesses
 * many users' passwords stays limited even when one guess is right. Refused attempts are not failures (no
 * password was checked) and do not lengthen the delay.
 *
 * <p>Memory is bounded: at most {@link Limits#maximumEntries()} user names and as many addresses are
 * remembered, the least recently used forgotten first, and names longer than {@value #MAXIMUM_KEY_LENGTH}
 * characters are counted under their first {@value #MAXIMUM_KEY_LENGTH}. An attacker who sprays that many
 * names can make the throttle forget a name, but not their own address.
 *
 * <p>Attempts that run at the same time are each let through if the counts allow it when they start: a
 * client that sends many attempts at once gets them all checked (each costing a password hash), and only
 * later ones are refused. Thread-safe: every method holds this object's monitor, which guards both maps.
 */
public final class LoginThrottle {
    static final int MAXIMUM_KEY_LENGTH = 256;
    /** Failures kept per name or address past its limit; the delay has reached its cap long before. */
    private static final int FAILURES_KEPT_PAST_LIMIT = 64;

    private final Limits limits;
    private final Clock clock;
    private final Map<String, Failures> byUser;
    private final Map<String, Failures> byAddress;

    public LoginThrottle(Limits limits, Clock clock) {
        this.limits = requireNonNull(limits, "limits is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.byUser = boundedMap(limits.maximumEntries());
        this.byAddress = boundedMap(limits.maximumEntries());
    }

    /** A throttle with {@link Limits#DEFAULT} and the system clock. */
    public static LoginThrottle withDefaults() {
        return new LoginThrottle(Limits.DEFAULT, Clock.systemUTC());
    }

    /**
     * Whether an attempt to log in as {@code user} from {@code clientAddress} must be refused now.
     *
     * @param clientAddress the client's address; when empty, only the user name is counted
     * @return how long until the next attempt would be let through, when this one must be refused
     */
    public synchronized Optional<Duration> refusal(String user, Optional<String> clientAddress) {
        requireNonNull(user, "user is null");
        requireNonNull(clientAddress, "clientAddress is null");
        Instant now = clock.instant();
        Optional<Instant> userBlockedUntil = blockedUntil(byUser, key(user), limits.failuresPerUser(), now);
        Optional<Instant> addressBlockedUntil = clientAddress.isEmpty()
                ? Optional.empty()
                : blockedUntil(byAddress, key(clientAddress.get()), limits.failuresPerAddress(), now);
        Optional<Instant> until = later(userBlockedUntil, addressBlockedUntil);
        return until.map(instant -> Duration.between(now, instant));
    }

    /** Counts a failed login: a wrong password, an unknown user, an empty password. */
    public synchronized void failed(String user, Optional<String> clientAddress) {
        requireNonNull(user, "user is null");
        requireNonNull(clientAddress, "clientAddress is null");
        Instant now = clock.instant();
        record(byUser, key(user), limits.failuresPerUser(), now);
        clientAddress.ifPresent(address -> record(byAddress, key(address), limits.failuresPerAddress(), now));
    }

    /** Clears the failures of {@code user} after a successful login; the address keeps its count. */
    public synchronized void succeeded(String user) {
        byUser.remove(key(requireNonNull(user, "user is null")));
    }

    /** How many user names and addresses are remembered, for tests of the bound. */
    synchronized int rememberedEntries() {
        return byUser.size() + byAddress.size();
    }

    private Optional<Instant> blockedUntil(Map<String, Failures> counts, String key, int limit, Instant now) {
        Failures failures = counts.get(key);
        if (failures == null) {
            return Optional.empty();
        }
        failures.forgetBefore(now.minus(limits.window()));
        if (failures.isEmpty()) {
            counts.remove(key);
            return Optional.empty();
        }
        if (failures.count() < limit) {
            return Optional.empty();
        }
        Instant until = failures.last().plus(delayAfter(failures.count() - limit));
        return now.isBefore(until) ? Optional.of(until) : Optional.empty();
    }

    private void record(Map<String, Failures> counts, String key, int limit, Instant now) {
        Failures failures = counts.computeIfAbsent(key, unused -> new Failures());
        failures.forgetBefore(now.minus(limits.window()));
        failures.add(now, limit + FAILURES_KEPT_PAST_LIMIT);
    }

    /** The delay once {@code failuresPastLimit} failures beyond the limit's own have happened. */
    private Duration delayAfter(int failuresPastLimit) {
        Duration delay = limits.firstDelay();
        for (int doubling = 0; doubling < failuresPastLimit && delay.compareTo(limits.maximumDelay()) < 0; doubling++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(limits.maximumDelay()) > 0 ? limits.maximumDelay() : delay;
    }

    private static Optional<Instant> later(Optional<Instant> first, Optional<Instant> second) {
        if (first.isEmpty()) {
            return second;
        }
        if (second.isEmpty()) {
            return first;
        }
        return first.get().isAfter(second.get()) ? first : second;
    }

    private static String key(String name) {
        return name.length() > MAXIMUM_KEY_LENGTH ? name.substring(0, MAXIMUM_KEY_LENGTH) : name;
    }

    /** A map in least-recently-used order that forgets its eldest entry beyond {@code maximumEntries}. */
    private static Map<String, Failures> boundedMap(int maximumEntries) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > maximumEntries;
            }
        };
    }

    /** The times of the recent failures of one name or address, oldest first. Guarded by the throttle. */
    private static final class Failures {
        private final Deque<Instant> times = new ArrayDeque<>();

        void forgetBefore(Instant cutoff) {
            while (!times.isEmpty() && times.peekFirst().isBefore(cutoff)) {
                times.removeFirst();
            }
        }

        void add(Instant time, int keep) {
            times.addLast(time);
            while (times.size() > keep) {
                times.removeFirst();
            }
        }

        boolean isEmpty() {
            return times.isEmpty();
        }

        int count() {
            return times.size();
        }

        Instant last() {
            return times.peekLast();
        }
    }

    /**
     * How many failures are allowed and how long attempts are refused after them.
     *
     * @param failuresPerUser failures for one user name within {@code window} before attempts are refused
     * @param failuresPerAddress failures from one client address within {@code window} before attempts are refused
     * @param window how long a failure counts
     * @param firstDelay how long attempts are refused after the failure that reaches a limit
     * @param maximumDelay the longest refusal after one failure; at least {@code firstDelay}
     * @param maximumEntries how many user names, and how many addresses, are remembered
     */
    public record Limits(int failuresPerUser, int failuresPerAddress, Duration window, Duration firstDelay,
            Duration maximumDelay, int maximumEntries) {

        /** 5 failures per user and 20 per address within 5 minutes; then 1 s, doubling up to 5 minutes. */
        public static final Limits DEFAULT = new Limits(5, 20, Duration.ofMinutes(5), Duration.ofSeconds(1),
                Duration.ofMinutes(5), 10_000);

        public Limits {
            requireNonNull(window, "window is null");
            requireNonNull(firstDelay, "firstDelay is null");
            requireNonNull(maximumDelay, "maximumDelay is null");
            if (failuresPerUser < 1 || failuresPerAddress < 1) {
                throw new IllegalArgumentException("failure limits must be at least 1, were " + failuresPerUser
                        + " per user and " + failuresPerAddress + " per address");
            }
            if (window.isNegative() || window.isZero() || firstDelay.isNegative() || firstDelay.isZero()) {
                throw new IllegalArgumentException("window and first delay must be positive, were " + window + " and "
                        + firstDelay);
            }
            if (maximumDelay.compareTo(firstDelay) < 0) {
                throw new IllegalArgumentException("maximum delay " + maximumDelay + " is shorter than the first delay "
                        + firstDelay);
            }
            if (maximumEntries < 1) {
                throw new IllegalArgumentException("maximum entries must be at least 1, was " + maximumEntries);
            }
        }
    }
}
