package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the users of a {@link ShiroUserAuthenticator} in step with its users file: when the file's content
 * changes (its SHA-256, not its modification time) and the new content is a good users file, the users are
 * replaced in one step and the listeners are told. A bad or missing file keeps the users in force and is
 * logged at WARN, once per distinct content the poller sees.
 *
 * <p>Listeners run after each change; the server uses them to check, with
 * {@link UserAuthenticator#findUser}, that the holder of each session token still exists with the same
 * roles, and to revoke the tokens of those who do not.
 *
 * <p>Thread-safety: checks of the file (the daemon poller's and {@link #reload()}) run one at a time under
 * this object's monitor, which guards {@link #inForceDigest}, {@link #lastSeenDigest}, {@link #poller} and
 * {@link #closed}; listeners run on the checking thread while it holds the monitor.
 */
public final class UsersFileWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UsersFileWatcher.class);
    private static final String UNREADABLE_FILE_DIGEST = "unreadable";

    private final Path file;
    private final ShiroUserAuthenticator authenticator;
    private final Duration pollInterval;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    private String inForceDigest;
    private String lastSeenDigest;
    private PeriodicTask poller;
    private boolean closed;

    /**
     * @param file the users file {@code authenticator} was read from
     * @param pollInterval how often the file is checked; at least one millisecond
     */
    public UsersFileWatcher(Path file, ShiroUserAuthenticator authenticator, Duration pollInterval) {
        this.file = requireNonNull(file, "file is null");
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.pollInterval = PeriodicTask.requireInterval(pollInterval);
    }

    /**
     * Reads the file once more (it may have changed since the authenticator was made from it), puts its users
     * in force, and starts polling.
     *
     * @throws InvalidUserFileException if the file is missing, unreadable or wrong
     * @throws IllegalStateException if already started or closed
     */
    public synchronized void start() {
        if (closed || inForceDigest != null) {
            throw new IllegalStateException("users file watcher for " + file + " was " + (closed ? "closed" : "started already"));
        }
        FileSnapshot content = read();
        authenticator.replaceUsers(ShiroUserAuthenticator.parseUserFile(file, content.text()));
        inForceDigest = content.sha256();
        lastSeenDigest = content.sha256();
        poller = PeriodicTask.start("users-file-watcher", pollInterval, this::poll);
    }

    /**
     * Checks the file now.
     *
     * @return whether the users changed
     * @throws InvalidUserFileException if the file changed but cannot be used; the users in force stay
     * @throws IllegalStateException before {@link #start()}
     */
    public synchronized boolean reload() {
        if (inForceDigest == null) {
            throw new IllegalStateException("users file watcher for " + file + " has not been started");
        }
        FileSnapshot content;
        try {
            content = read();
        } catch (InvalidUserFileException unreadable) {
            lastSeenDigest = UNREADABLE_FILE_DIGEST;
            throw unreadable;
        }
        lastSeenDigest = content.sha256();
        if (content.sha256().equals(inForceDigest)) {
            return false;
        }
        authenticator.replaceUsers(ShiroUserAuthenticator.parseUserFile(file, content.text()));
        inForceDigest = content.sha256();
        log.info("users reloaded from {}", file);
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException failed) {
                log.error("a listener to users file changes failed; the new users from {} are in force", file, failed);
            }
        }
        return true;
    }

    /** Adds a listener run after each change of the users in force. */
    public void addListener(Runnable listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /** Stops polling; the users in force stay. Idempotent. */
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

    /** One poll: like {@link #reload()}, but a bad content is reported only the first time it is seen. */
    synchronized void poll() {
        if (closed) {
            return;
        }
        String seenBefore = lastSeenDigest;
        try {
            reload();
        } catch (InvalidUserFileException bad) {
            if (!lastSeenDigest.equals(seenBefore)) {
                log.warn("users file {} was not loaded; the users in force stay: {}", file, bad.getMessage());
            }
        } catch (RuntimeException unexpected) {
            // Thrown out of a scheduled task, it would silently stop all later polls.
            log.error("checking the users file {} failed; the users in force stay", file, unexpected);
        }
    }

    private FileSnapshot read() {
        return ShiroUserAuthenticator.readSnapshot(file);
    }
}
