package dev.pondhouse.security.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pondhouse.security.rules.ReloadResult.Outcome;
import dev.pondhouse.security.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFileWatcherTest {
    private static final String READ_ORDERS = "rules:\n  - tables: [tpch.orders]\n    privileges: [read]\n";
    private static final String READ_LINEITEM = "rules:\n  - tables: [tpch.lineitem]\n    privileges: [read]\n";
    private static final String BAD_PRIVILEGE = "rules:\n  - tables: [tpch.orders]\n    privileges: [select]\n";
    /** A long interval: the tests poll by hand, except the one that checks the poller thread. */
    private static final Duration NO_AUTOMATIC_POLL = Duration.ofHours(1);

    @TempDir
    Path folder;

    private final MutableClock clock = new MutableClock();
    private final List<AccessRules> notified = Collections.synchronizedList(new ArrayList<>());

    @Test
    void startLoadsTheFile() throws Exception {
        Path file = write(READ_ORDERS);
        try (RuleFileWatcher watcher = new RuleFileWatcher(file, RuleValidator.ACCEPT_ALL, clock, NO_AUTOMATIC_POLL)) {
            assertThatThrownBy(watcher::current).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the rule file watcher for " + file + " has not been started");

            watcher.start();

            assertThat(patternsOf(watcher.current())).containsExactly("tpch.orders");
            assertThat(watcher.current().source()).isEqualTo(file.toString());
            assertThat(watcher.loadedAt()).isEqualTo(clock.instant());
            assertThatThrownBy(watcher::start).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void badFileAtStartIsAnErrorListingEveryProblem() throws Exception {
        Path file = write("""
                rules:
                  - tables: [tpch.orders]
                    privileges: [select]
                  - tables: [orders]
                    privileges: [read]
                """);
        try (RuleFileWatcher watcher = new RuleFileWatcher(file, RuleValidator.ACCEPT_ALL, clock, NO_AUTOMATIC_POLL)) {
            RuleFileException failure = catchThrowableOfType(RuleFileException.class, watcher::start);

            assertThat(failure.problems()).extracting(RuleProblem::line).containsExactly(3, 4);
            assertThat(failure.getMessage()).startsWith(file + " has 2 problems:");
            assertThatThrownBy(watcher::current).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void validatorProblemsAtStartAreAllListed() throws Exception {
        Path file = write(READ_ORDERS);
        RuleValidator catalog = rules -> List.of(
                new RuleProblem(2, "table pattern 'tpch.orders' matches no table"),
                new RuleProblem(3, "write is not allowed on views"));
        try (RuleFileWatcher watcher = new RuleFileWatcher(file, catalog, clock, NO_AUTOMATIC_POLL)) {
            RuleFileException failure = catchThrowableOfType(RuleFileException.class, watcher::start);

            assertThat(failure.getMessage()).isEqualTo(file + " has 2 problems:\n"
                    + "  line 2: table pattern 'tpch.orders' matches no table\n"
                    + "  line 3: write is not allowed on views");
        }
    }

    @Test
    void missingOrNonUtf8FileAtStartIsAnError() throws Exception {
        Path missing = folder.resolve("missing.yaml");
        try (RuleFileWatcher watcher = new RuleFileWatcher(missing, RuleValidator.ACCEPT_ALL, clock, NO_AUTOMATIC_POLL)) {
            assertThatThrownBy(watcher::start).isInstanceOf(RuleFileException.class)
                    .hasMessage(missing + ": the rule file does not exist");
        }
        Path latin1 = folder.resolve("latin1.yaml");
        Files.write(latin1, "rules: [] # caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        try (RuleFileWatcher watcher = new RuleFileWatcher(latin1, RuleValidator.ACCEPT_ALL, clock, NO_AUTOMATIC_POLL)) {
            assertThatThrownBy(watcher::start).isInstanceOf(RuleFileException.class)
                    .hasMessage(latin1 + ": the rule file is not UTF-8 text");
        }
    }

    @Test
    void goodToBadKeepsTheOldRulesAndBadToGoodSwitches() throws Exception {
        Path file = write(READ_ORDERS);
        try (RuleFileWatcher watcher = started(file, RuleValidator.ACCEPT_ALL)) {
            AccessRules original = watcher.current();

            write(BAD_PRIVILEGE);
            clock.advance(Duration.ofMinutes(1));
            watcher.poll();

            assertThat(watcher.current()).isSameAs(original);
            assertThat(notified).isEmpty();
            ReloadResult rejected = watcher.reload();
            assertThat(rejected.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(rejected.inForce()).isSameAs(original);
            assertThat(rejected.problems()).containsExactly(
                    new RuleProblem(3, "unknown privilege 'select' (expected one of: read, write, admin)"));
            assertThat(rejected.checkedAt()).isEqualTo(clock.instant());

            write(READ_LINEITEM);
            clock.advance(Duration.ofMinutes(1));
            watcher.poll();

            assertThat(patternsOf(watcher.current())).containsExactly("tpch.lineitem");
            assertThat(watcher.loadedAt()).isEqualTo(clock.instant());
            assertThat(notified).containsExactly(watcher.current());
        }
    }

    @Test
    void listenerIsToldOncePerChange() throws Exception {
        Path file = write(READ_ORDERS);
        try (RuleFileWatcher watcher = started(file, RuleValidator.ACCEPT_ALL)) {
            write(READ_LINEITEM);
            watcher.poll();
            watcher.poll();
            assertThat(watcher.reload().outcome()).isEqualTo(Outcome.UNCHANGED);
            write(READ_LINEITEM);
            watcher.poll();

            assertThat(notified).hasSize(1);

            write(READ_ORDERS);
            ReloadResult reloaded = watcher.reload();
            watcher.poll();

            assertThat(reloaded.outcome()).isEqualTo(Outcome.RELOADED);
            assertThat(reloaded.inForce()).isSameAs(watcher.current());
            assertThat(notified).hasSize(2);
            assertThat(patternsOf(notified.get(1))).containsExactly("tpch.orders");
        }
    }

    @Test
    void changeIsFoundByContentEvenWhenTheModificationTimeStaysTheSame() throws Exception {
        Path file = write(READ_ORDERS);
        FileTime modified = Files.getLastModifiedTime(file);
        try (RuleFileWatcher watcher = started(file, RuleValidator.ACCEPT_ALL)) {
            // Same length too, so neither size nor time gives the change away.
            write(READ_ORDERS.replace("orders", "region"));
            Files.setLastModifiedTime(file, modified);

            watcher.poll();

            assertThat(patternsOf(watcher.current())).containsExactly("tpch.region");
        }
    }

    @Test
    void rejectedContentIsCheckedOnceByThePollerButAgainOnReload() throws Exception {
        Path file = write(READ_ORDERS);
        AtomicInteger validations = new AtomicInteger();
        RuleValidator noLineitem = rules -> {
            validations.incrementAndGet();
            return patternsOf(rules).contains("tpch.lineitem")
                    ? List.of(new RuleProblem(2, "tpch.lineitem is not in the catalog"))
                    : List.of();
        };
        try (RuleFileWatcher watcher = started(file, noLineitem)) {
            assertThat(validations).hasValue(1);
            write(READ_LINEITEM);

            watcher.poll();
            watcher.poll();
            watcher.poll();

            assertThat(validations).hasValue(2);
            assertThat(patternsOf(watcher.current())).containsExactly("tpch.orders");
            ReloadResult rejected = watcher.reload();
            assertThat(rejected.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(rejected.problems()).containsExactly(new RuleProblem(2, "tpch.lineitem is not in the catalog"));
            assertThat(validations).hasValue(3);
            assertThat(notified).isEmpty();
        }
    }

    @Test
    void deletedFileKeepsTheRulesAndItsReturnIsNoChange() throws Exception {
        Path file = write(READ_ORDERS);
        try (RuleFileWatcher watcher = started(file, RuleValidator.ACCEPT_ALL)) {
            AccessRules original = watcher.current();
            Files.delete(file);

            watcher.poll();
            ReloadResult missing = watcher.reload();

            assertThat(missing.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(missing.problems()).containsExactly(new RuleProblem(0, "the rule file does not exist"));
            assertThat(watcher.current()).isSameAs(original);

            write(READ_ORDERS);
            watcher.poll();

            assertThat(watcher.current()).isSameAs(original);
            assertThat(notified).isEmpty();
        }
    }

    @Test
    void failingListenerDoesNotStopTheOthersNorTheChange() throws Exception {
        Path file = folder.resolve("rules.yaml");
        Files.writeString(file, READ_ORDERS);
        List<String> calls = new ArrayList<>();
        try (RuleFileWatcher watcher = new RuleFileWatcher(file, RuleValidator.ACCEPT_ALL, clock, NO_AUTOMATIC_POLL)) {
            watcher.addListener(rules -> {
                calls.add("first");
                throw new IllegalStateException("listener bug");
            });
            watcher.addListener(rules -> calls.add("second"));
            watcher.start();
            Files.writeString(file, READ_LINEITEM);

            assertThat(watcher.reload().outcome()).isEqualTo(Outcome.RELOADED);

            assertThat(calls).containsExactly("first", "second");
            assertThat(patternsOf(watcher.current())).containsExactly("tpch.lineitem");
        }
    }

    @Test
    void validatorThatThrowsReachesTheCallerOfReloadAndChangesNothing() throws Exception {
        Path file = write(READ_ORDERS);
        AtomicInteger calls = new AtomicInteger();
        RuleValidator brokenAfterStart = rules -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("catalog unavailable");
            }
            return List.of();
        };
        try (RuleFileWatcher watcher = started(file, brokenAfterStart)) {
            AccessRules original = watcher.current();
            write(READ_LINEITEM);

            assertThatThrownBy(watcher::reload).hasMessage("catalog unavailable");
            watcher.poll();

            assertThat(watcher.current()).isSameAs(original);
            assertThat(notified).isEmpty();
        }
    }

    @Test
    void pollerThreadPicksUpAChange() throws Exception {
        Path file = write(READ_ORDERS);
        try (RuleFileWatcher watcher = new RuleFileWatcher(file, RuleValidator.ACCEPT_ALL, clock, Duration.ofMillis(20))) {
            watcher.addListener(notified::add);
            watcher.start();

            write(READ_LINEITEM);

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (notified.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(notified).hasSize(1);
            assertThat(patternsOf(watcher.current())).containsExactly("tpch.lineitem");
        }
    }

    @Test
    void closedWatcherStopsPollingButKeepsAnswering() throws Exception {
        Path file = write(READ_ORDERS);
        RuleFileWatcher watcher = started(file, RuleValidator.ACCEPT_ALL);
        watcher.close();
        watcher.close();
        write(READ_LINEITEM);

        watcher.poll();

        assertThat(patternsOf(watcher.current())).containsExactly("tpch.orders");
        assertThat(notified).isEmpty();
    }

    private RuleFileWatcher started(Path file, RuleValidator validator) throws RuleFileException {
        RuleFileWatcher watcher = new RuleFileWatcher(file, validator, clock, NO_AUTOMATIC_POLL);
        watcher.addListener(notified::add);
        watcher.start();
        return watcher;
    }

    private Path write(String text) throws IOException {
        Path file = folder.resolve("rules.yaml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static List<String> patternsOf(AccessRules rules) {
        return rules.rules().stream().flatMap(rule -> rule.tables().stream()).map(TablePattern::text).toList();
    }
}
