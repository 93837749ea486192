package dev.pondhouse.server.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pondhouse.server.config.EngineSection;
import dev.pondhouse.server.config.LakeSection;
import dev.pondhouse.server.config.SessionSection;
import dev.pondhouse.server.engine.QueryEngine;
import dev.pondhouse.server.error.ErrorKind;
import dev.pondhouse.server.error.PondhouseException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionRegistryTest {
    @TempDir
    Path lake;

    @TempDir
    Path spill;

    private QueryEngine engine;

    @BeforeEach
    void start() throws Exception {
        engine = new QueryEngine(new EngineSection(null, 1, Optional.empty(), null),
                new LakeSection(lake, "pondhouse", "main", Duration.ZERO), spill);
        engine.start();
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
    }

    @Test
    void sameIdSameSessionAndOtherUsersAreRefused() {
        try (SessionRegistry sessions = new SessionRegistry(engine, new SessionSection(10, Duration.ofMinutes(1)))) {
            String id = sessions.newSessionId();
            QuerySession first = sessions.open(id, "alice", Optional.empty());

            assertThat(sessions.open(id, "alice", Optional.empty())).isSameAs(first);
            assertThatThrownBy(() -> sessions.open(id, "bob", Optional.empty()))
                    .isInstanceOfSatisfying(PondhouseException.class,
                            error -> assertThat(error.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED));
            assertThat(sessions.newSessionId()).isNotEqualTo(id).hasSize(36);
        }
    }

    @Test
    void atTheLimitTheLongestIdleSessionMakesRoomAndBusyOnesStay() throws Exception {
        try (SessionRegistry sessions = new SessionRegistry(engine, new SessionSection(2, Duration.ofMinutes(1)))) {
            QuerySession oldest = sessions.open(sessions.newSessionId(), "alice", Optional.empty());
            Thread.sleep(20);
            QuerySession newer = sessions.open(sessions.newSessionId(), "bob", Optional.empty());

            QuerySession third = sessions.open(sessions.newSessionId(), "carol", Optional.empty());

            assertThat(oldest.isClosed()).isTrue();
            assertThat(newer.isClosed()).isFalse();
            assertThat(sessions.size()).isEqualTo(2);

            newer.acquire(Duration.ofSeconds(1), "a query");
            third.acquire(Duration.ofSeconds(1), "a query");
            assertThatThrownBy(() -> sessions.open(sessions.newSessionId(), "dave", Optional.empty()))
                    .isInstanceOfSatisfying(PondhouseException.class,
                            error -> assertThat(error.kind()).isEqualTo(ErrorKind.RESOURCE_EXHAUSTED))
                    .hasMessageContaining("sessions.max");
            newer.release();
            third.release();
        }
    }

    @Test
    void idleSessionsAreEvictedButBusyOnesAreKept() throws Exception {
        try (SessionRegistry sessions = new SessionRegistry(engine, new SessionSection(10, Duration.ofMillis(50)))) {
            QuerySession idle = sessions.open(sessions.newSessionId(), "alice", Optional.empty());
            QuerySession busy = sessions.open(sessions.newSessionId(), "alice", Optional.empty());
            busy.acquire(Duration.ofSeconds(1), "a long query");
            Thread.sleep(120);

            assertThat(sessions.evictIdle()).isEqualTo(1);

            assertThat(idle.isClosed()).isTrue();
            assertThat(busy.isClosed()).isFalse();
            busy.release();
        }
    }

    @Test
    void aBusySessionMakesTheNextStatementWaitThenFailWithAReason() {
        try (SessionRegistry sessions = new SessionRegistry(engine, new SessionSection(10, Duration.ofMinutes(1)))) {
            QuerySession session = sessions.open(sessions.newSessionId(), "alice", Optional.empty());
            session.acquire(Duration.ofSeconds(1), "query 42");

            assertThatThrownBy(() -> session.acquire(Duration.ofMillis(100), "another query"))
                    .hasMessageContaining("still busy with query 42");
            session.release();
            session.acquire(Duration.ofMillis(100), "another query");
            session.release();
        }
    }
}
