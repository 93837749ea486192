package dev.pondhouse.security.rules;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.security.FileSnapshot;
import dev.pondhouse.security.PeriodicTask;
import dev.pondhouse.security.rules.ReloadResult.Outcome;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the access rules of one file in force, and replaces them when the file changes and the new content
 * is good.
 *
 * <ul>
 *   <li>{@link #start()} loads the file; a file that cannot be read, parsed or validated stops start-up with
 *       every problem listed. Then one daemon thread checks the file every poll interval.
 *   <li>A change is noticed by the SHA-256 of the file's bytes, not by its modification time (which may not
 *       move on a quick edit, or may move without a change). Saving the same content again does nothing.
 *   <li>A changed file is parsed ({@link AccessRuleFile}) and validated ({@link RuleValidator}) before it
 *       replaces anything. A bad file (or a missing one) keeps the previous rules in force, and its problems
 *       are logged at WARN, once per distinct content the poller sees. Editors that write in place may be
 *       caught half-way: that content is rejected and the next poll sees the whole file; writing to a
 *       temporary file and renaming it avoids the warning.
 *   <li>{@link #reload()} checks at once, for an admin call, and says what happened.
 *   <li>After every change of the rules in force, each listener gets the new rules, in the order they were
 *       added. A listener that throws is logged and the others still run; the new rules stay in force.
 * </ul>
 *
 * <p>Thread-safety: {@link #current()} may be called from any thread at any time and never blocks (a
 * volatile read). Checks of the file — the poller's and {@link #reload()} — run one at a time under this
 * object's monitor, which also guards {@link #lastSeenDigest}; listeners run on the checking thread while it
 * holds the monitor, so they see changes one at a time and in order, and must not wait for another thread
 * that calls {@link #reload()}.
 */
public final class RuleFileWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuleFileWatcher.class);
    private static final String UNREADABLE_FILE_DIGEST = "unreadable";

    private final Path file;
    private final RuleValidator validator;
    private final Clock clock;
    private final Duration pollInterval;
    private final List<Consumer<AccessRules>> listeners = new CopyOnWriteArrayList<>();

    /** The rules in force and the digest of the content they came from; null until started. */
    private volatile Loaded inForce;
    /** The digest of the content the poller last looked at, good or bad; guarded by {@code this}. */
    private String lastSeenDigest;
    /** Guarded by {@code this}. */
    private PeriodicTask poller;
    /** Guarded by {@code this}. */
    private boolean closed;

    /**
     * @param file the rule file (UTF-8 YAML, see {@link AccessRuleFile})
     * @param validator checks rules against the server's catalog before they are put in force
     * @param clock for the times in {@link ReloadResult} and {@link #loadedAt()}
     * @param pollInterval how often the file is checked; at least one millisecond
     */
    public RuleFileWatcher(Path file, RuleValidator validator, Clock clock, Duration pollInterval) {
        this.file = requireNonNull(file, "file is null");
        this.validator = requireNonNull(validator, "validator is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.pollInterval = PeriodicTask.requireInterval(pollInterval);
    }

    /**
     * Loads the file and starts polling it.
     *
     * @throws RuleFileException if the file cannot be read (a problem on line 0), is not a valid rule file,
     *     or the validator finds problems; all of them are listed
     * @throws IllegalStateException if already started or closed
     */
    public synchronized void start() throws RuleFileException {
        if (closed || inForce != null) {
            throw new IllegalStateException("rule file watcher for " + file + " was " + (closed ? "closed" : "started already"));
        }
        FileSnapshot content = readContent();
        AccessRules rules = load(content);
        inForce = new Loaded(rules, content.sha256(), clock.instant());
        lastSeenDigest = content.sha256();
        log.info("access rules loaded from {}: {} rules", file, rules.rules().size());
        poller = PeriodicTask.start("rule-file-watcher", pollInterval, this::poll);
    }

    /**
     * The rules in force.
     *
     * @throws IllegalStateException before {@link #start()} has succeeded
     */
    public AccessRules current() {
        return loaded().rules();
    }

    /** When the rules in force were loaded. */
    public Instant loadedAt() {
        return loaded().loadedAt();
    }

    /**
     * Checks the file now. Unlike the poller, a rejected file is checked again (and its problems returned)
     * each time this is called, as long as its content differs from the rules in force.
     *
     * @throws IllegalStateException before {@link #start()} has succeeded
     */
    public synchronized ReloadResult reload() {
        loaded();
        return check(false);
    }

    /** Adds a listener told, with the new rules, after each change of the rules in force. */
    public void addListener(Consumer<AccessRules> listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /** Stops polling; {@link #current()} keeps answering. Idempotent. */
    @Override
    public void close() {
        PeriodicTask stopping;
        synchronized (this) {
            closed = true;
            stopping = poller;
            poller = null;
        }
        if (stopping != null) {
            stopping.close();
        }
    }

    /** One poll; also what tests call to poll without waiting. */
    synchronized void poll() {
        if (closed) {
            return;
        }
        try {
            check(true);
        } catch (RuntimeException unexpected) {
            // Thrown out of a scheduled task, it would silently stop all later polls.
            log.error("checking the rule file {} failed; the rules in force stay", file, unexpected);
        }
    }

    /** Caller holds the monitor. */
    private ReloadResult check(boolean skipContentSeenBefore) {
        Loaded previous = loaded();
        Instant now = clock.instant();
        FileSnapshot content;
        try {
            content = readContent();
        } catch (RuleFileException unreadable) {
            return reject(previous, unreadable.problems(), UNREADABLE_FILE_DIGEST, skipContentSeenBefore, now);
        }
        if (content.sha256().equals(previous.digest())) {
            lastSeenDigest = content.sha256();
            return new ReloadResult(Outcome.UNCHANGED, previous.rules(), List.of(), now);
        }
        if (skipContentSeenBefore && content.sha256().equals(lastSeenDigest)) {
            // Rejected before, and logged then.
            return new ReloadResult(Outcome.UNCHANGED, previous.rules(), List.of(), now);
        }
        AccessRules rules;
        try {
            rules = load(content);
        } catch (RuleFileException bad) {
            return reject(previous, bad.problems(), content.sha256(), skipContentSeenBefore, now);
        }
        inForce = new Loaded(rules, content.sha256(), now);
        lastSeenDigest = content.sha256();
        log.info("access rules reloaded from {}: {} rules", file, rules.rules().size());
        for (Consumer<AccessRules> listener : listeners) {
            try {
                listener.accept(rules);
            } catch (RuntimeException failed) {
                log.error("a listener to access rule changes failed; the new rules from {} are in force", file, failed);
            }
        }
        return new ReloadResult(Outcome.RELOADED, rules, List.of(), now);
    }

    private ReloadResult reject(Loaded previous, List<RuleProblem> problems, String digest, boolean skipContentSeenBefore,
            Instant now) {
        boolean reportedBefore = skipContentSeenBefore && digest.equals(lastSeenDigest);
        lastSeenDigest = digest;
        if (reportedBefore) {
            return new ReloadResult(Outcome.UNCHANGED, previous.rules(), List.of(), now);
        }
        log.warn("access rule file {} was not loaded; the rules loaded at {} stay in force:\n  {}", file,
                previous.loadedAt(), problems.stream().map(RuleProblem::toString).collect(Collectors.joining("\n  ")));
        return new ReloadResult(Outcome.REJECTED, previous.rules(), problems, now);
    }

    /** Parses and validates; every problem becomes part of the exception. */
    private AccessRules load(FileSnapshot content) throws RuleFileException {
        AccessRules rules = AccessRuleFile.parse(content.text(), file.toString());
        List<RuleProblem> problems = validator.validate(rules);
        if (!problems.isEmpty()) {
            throw new RuleFileException(file.toString(), problems);
        }
        return rules;
    }

    private FileSnapshot readContent() throws RuleFileException {
        try {
            return FileSnapshot.read(file);
        } catch (NoSuchFileException missing) {
            throw new RuleFileException(file.toString(), 0, "the rule file does not exist");
        } catch (CharacterCodingException notUtf8) {
            throw new RuleFileException(file.toString(), 0, "the rule file is not UTF-8 text");
        } catch (IOException unreadable) {
            throw new RuleFileException(file.toString(), 0, "the rule file cannot be read: " + unreadable);
        }
    }

    private Loaded loaded() {
        Loaded loaded = inForce;
        if (loaded == null) {
            throw new IllegalStateException("the rule file watcher for " + file + " has not been started");
        }
        return loaded;
    }

    private record Loaded(AccessRules rules, String digest, Instant loadedAt) {}
}
