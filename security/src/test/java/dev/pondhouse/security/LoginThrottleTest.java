package dev.pondhouse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.security.LoginThrottle.Limits;
import dev.pondhouse.security.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private static final Optional<String> HOME = Optional.of("192.0.2.1");
    private static final Optional<String> OFFICE = Optional.of("198.51.100.7");
    private static final Optional<String> UNKNOWN = Optional.empty();

    private final MutableClock clock = new MutableClock();
    private final LoginThrottle throttle = new LoginThrottle(Limits.DEFAULT, clock);

    @Test
    void fifthFailureForAUserRefusesForOneSecondThenTheDelayDoubles() {
        failTimes("alice", HOME, 4);
        assertThat(throttle.refusal("alice", HOME)).isEmpty();

        throttle.failed("alice", HOME);
        assertThat(throttle.refusal("alice", HOME)).contains(Duration.ofSeconds(1));
        // The user name is throttled from anywhere, also from an unknown address.
        assertThat(throttle.refusal("alice", OFFICE)).contains(Duration.ofSeconds(1));
        assertThat(throttle.refusal("alice", UNKNOWN)).contains(Duration.ofSeconds(1));
        assertThat(throttle.refusal("bob", HOME)).isEmpty();

        clock.advance(Duration.ofMillis(400));
        assertThat(throttle.refusal("alice", HOME)).contains(Duration.ofMillis(600));
        clock.advance(Duration.ofMillis(600));
        assertThat(throttle.refusal("alice", HOME)).isEmpty();

        throttle.failed("alice", HOME);
        assertThat(throttle.refusal("alice", HOME)).contains(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        throttle.failed("alice", HOME);
        assertThat(throttle.refusal("alice", HOME)).contains(Duration.ofSeconds(4));
    }

    @Test
    void delayIsCappedAtFiveMinutes() {
        LoginThrottle longWindow = new LoginThrottle(new Limits(5, 20, Duration.ofHours(24), Duration.ofSeconds(1),
                Duration.ofMinutes(5), 100), clock);
        List<Duration> delays = new ArrayList<>();
        for (int failure = 1; failure <= 15; failure++) {
            longWindow.failed("alice", UNKNOWN);
            Duration delay = longWindow.refusal("alice", UNKNOWN).orElse(Duration.ZERO);
            delays.add(delay);
            clock.advance(delay);
        }

        assertThat(delays).containsExactly(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(16), Duration.ofSeconds(32), Duration.ofSeconds(64), Duration.ofSeconds(128),
                Duration.ofSeconds(256), Duration.ofMinutes(5), Duration.ofMinutes(5));
    }

    @Test
    void refusedAttemptsDoNotLengthenTheDelay() {
        failTimes("alice", HOME, 5);
        for (int attempt = 0; attempt < 50; attempt++) {
            assertThat(throttle.refusal("alice", HOME)).isPresent();
        }
        clock.advance(Duration.ofSeconds(1));

        assertThat(throttle.refusal("alice", HOME)).isEmpty();
    }

    @Test
    void failuresOlderThanTheWindowAreForgotten() {
        failTimes("alice", HOME, 4);
        clock.advance(Duration.ofMinutes(5).plusMillis(1));
        throttle.failed("alice", HOME);

        assertThat(throttle.refusal("alice", HOME)).isEmpty();

        // The window slides: four failures spread over it and one more still reach the limit.
        for (int failure = 0; failure < 3; failure++) {
            clock.advance(Duration.ofMinutes(1));
            throttle.failed("alice", HOME);
        }
        clock.advance(Duration.ofSeconds(59));
        throttle.failed("alice", HOME);
        assertThat(throttle.refusal("alice", HOME)).contains(Duration.ofSeconds(1));
    }

    @Test
    void successClearsTheUserButNotTheAddress() {
        failTimes("alice", HOME, 4);
        failTimes("mallory", HOME, 15);
        throttle.succeeded("alice");

        throttle.failed("alice", HOME);
        assertThat(throttle.refusal("alice", OFFICE)).isEmpty();

        // 20 failures from HOME now: every name from there is refused, whatever the user's own count.
        assertThat(throttle.refusal("carol", HOME)).contains(Duration.ofSeconds(1));
        assertThat(throttle.refusal("alice", HOME)).contains(Duration.ofSeconds(1));
        throttle.succeeded("alice");
        assertThat(throttle.refusal("alice", HOME)).contains(Duration.ofSeconds(1));
        assertThat(throttle.refusal("alice", OFFICE)).isEmpty();
    }

    @Test
    void addressLimitCatchesGuessesSpreadOverManyUsers() {
        for (int user = 0; user < 19; user++) {
            throttle.failed("user" + user, HOME);
        }
        assertThat(throttle.refusal("someone", HOME)).isEmpty();

        throttle.failed("user19", HOME);

        assertThat(throttle.refusal("someone", HOME)).contains(Duration.ofSeconds(1));
        assertThat(throttle.refusal("someone", OFFICE)).isEmpty();
        assertThat(throttle.refusal("someone", UNKNOWN)).isEmpty();
    }

    @Test
    void unknownAddressCountsOnlyTheUser() {
        for (int user = 0; user < 50; user++) {
            throttle.failed("user" + user, UNKNOWN);
        }

        assertThat(throttle.refusal("someone", UNKNOWN)).isEmpty();
        assertThat(throttle.rememberedEntries()).isEqualTo(50);
    }

    @Test
    void memoryIsBoundedAndTheLeastRecentlyUsedIsForgotten() {
        LoginThrottle small = new LoginThrottle(new Limits(2, 1000, Duration.ofMinutes(5), Duration.ofSeconds(1),
                Duration.ofMinutes(5), 3), clock);
        small.failed("alice", HOME);
        small.failed("alice", HOME);
        assertThat(small.refusal("alice", HOME)).isPresent();

        for (int user = 0; user < 3; user++) {
            small.failed("spray" + user, Optional.of("203.0.113." + user));
        }

        assertThat(small.rememberedEntries()).isEqualTo(6);
        assertThat(small.refusal("alice", UNKNOWN)).isEmpty();
    }

    @Test
    void veryLongNamesShareTheCountOfTheirStart() {
        String start = "x".repeat(LoginThrottle.MAXIMUM_KEY_LENGTH);
        for (int failure = 0; failure < 5; failure++) {
            throttle.failed(start + failure, UNKNOWN);
        }

        assertThat(throttle.refusal(start + "another", UNKNOWN)).isPresent();
        assertThat(throttle.rememberedEntries()).isEqualTo(1);
    }

    @Test
    void entriesWhoseFailuresExpiredAreDropped() {
        failTimes("alice", HOME, 3);
        clock.advance(Duration.ofMinutes(6));

        assertThat(throttle.refusal("alice", HOME)).isEmpty();

        assertThat(throttle.rememberedEntries()).isZero();
    }

    @Test
    void concurrentFailuresAreAllCounted() throws Exception {
        int threads = 8;
        int failuresPerThread = 100;
        LoginThrottle counting = new LoginThrottle(new Limits(threads * failuresPerThread + 1, 100_000,
                Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofMinutes(5), 100), clock);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                done.add(executor.submit(() -> {
                    start.await();
                    for (int failure = 0; failure < failuresPerThread; failure++) {
                        counting.failed("alice", HOME);
                        counting.refusal("alice", HOME);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(1, TimeUnit.MINUTES);
            }
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }

        assertThat(counting.refusal("alice", HOME)).isEmpty();
        counting.failed("alice", HOME);
        assertThat(counting.refusal("alice", HOME)).isPresent();
    }

    @Test
    void limitsAreChecked() {
        Duration minute = Duration.ofMinutes(1);
        Duration second = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new Limits(0, 20, minute, second, minute, 10))
                .hasMessage("failure limits must be at least 1, were 0 per user and 20 per address");
        assertThatThrownBy(() -> new Limits(5, 20, Duration.ZERO, second, minute, 10))
                .hasMessage("window and first delay must be positive, were PT0S and PT1S");
        assertThatThrownBy(() -> new Limits(5, 20, minute, minute, second, 10))
                .hasMessage("maximum delay PT1S is shorter than the first delay PT1M");
        assertThatThrownBy(() -> new Limits(5, 20, minute, second, minute, 0))
                .hasMessage("maximum entries must be at least 1, was 0");
    }

    private void failTimes(String user, Optional<String> address, int times) {
        for (int failure = 0; failure < times; failure++) {
            throttle.failed(user, address);
        }
    }
}
