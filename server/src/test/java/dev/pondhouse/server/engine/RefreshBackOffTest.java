package dev.pondhouse.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RefreshBackOffTest {
    @Test
    void waitsOneIntervalWhileRefreshesWork() {
        RefreshBackOff backOff = new RefreshBackOff(Duration.ofSeconds(30), Duration.ofMinutes(5));

        assertThat(backOff.next(true)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backOff.next(true)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void doublesTheWaitAfterEachFurtherFailureUpToTheCapAndResetsOnSuccess() {
        RefreshBackOff backOff = new RefreshBackOff(Duration.ofSeconds(30), Duration.ofMinutes(5));

        assertThat(backOff.next(false)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backOff.next(false)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backOff.next(false)).isEqualTo(Duration.ofSeconds(120));
        assertThat(backOff.next(false)).isEqualTo(Duration.ofSeconds(240));
        assertThat(backOff.next(false)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backOff.next(false)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backOff.consecutiveFailures()).isEqualTo(6);

        assertThat(backOff.next(true)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backOff.consecutiveFailures()).isZero();
        assertThat(backOff.next(false)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anIntervalLongerThanTheCapIsKept() {
        RefreshBackOff backOff = new RefreshBackOff(Duration.ofMinutes(10), Duration.ofMinutes(5));

        assertThat(backOff.next(false)).isEqualTo(Duration.ofMinutes(10));
        assertThat(backOff.next(false)).isEqualTo(Duration.ofMinutes(10));
    }
}
