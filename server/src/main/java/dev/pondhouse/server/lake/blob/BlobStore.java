package dev.pondhouse.server.lake.blob;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Where the lake's files live: a flat namespace of blobs named by relative paths (see
 * {@link BlobName}). Implementations: {@link LocalBlobStore} (a directory) and
 * {@link AzureBlobStore} (a container in Azure Blob Storage). Both are thread-safe.
 *
 * <p><b>Failures.</b> Every operation throws {@link BlobStoreException} and nothing else (besides
 * {@code NullPointerException}/{@code IllegalArgumentException} for programming errors). Every
 * operation that takes a name first checks it and throws {@code INVALID_NAME} without touching
 * storage. Reads throw {@code NOT_FOUND}, {@code UNAVAILABLE} (transient: retry with back-off),
 * {@code PERMISSION_DENIED} or {@code FAILED}. Writes can also throw {@code UNKNOWN_OUTCOME} when the
 * request may have taken effect (a timeout after it was sent): the caller must read back to learn
 * what happened.
 *
 * <p><b>Retries inside the store.</b> An implementation may retry a write whose first attempt timed
 * out. If that attempt did land, the retry sees its own write: {@link #createIfAbsent} then answers
 * {@code ALREADY_EXISTS} and {@link #replaceIfMatch} {@code ETAG_MISMATCH} although this caller's
 * content is stored. Callers that must know (Delta commits) put a unique id in the content and read
 * the blob back after a negative answer.
 */
public interface BlobStore {
    /** The result of {@link #createIfAbsent}. */
    enum CreateOutcome {
        /** This call created the blob with the given content. */
        CREATED,
        /** A blob of that name existed already; it was not changed. */
        ALREADY_EXISTS
    }

    /** The result of {@link #replaceIfMatch}. */
    enum ReplaceOutcome {
        /** The blob had the expected ETag and now holds the given content. */
        REPLACED,
        /** The blob has another ETag, or does not exist; it was not changed. */
        ETAG_MISMATCH
    }

    /**
     * The whole content of a small blob (log entries, checkpoint pointers). Reads one consistent
     * version. Throws {@code NOT_FOUND} if it does not exist.
     */
    byte[] read(String name);

    /**
     * Up to {@code length} bytes starting at {@code offset}: fewer when the blob ends first, none when
     * {@code offset} is at or beyond its end. Throws {@code NOT_FOUND} if it does not exist.
     *
     * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
     */
    byte[] readRange(String name, long offset, long length);

    /**
     * Copies a (big) blob into {@code target}, creating or truncating it, streaming without holding it
     * in memory; returns the number of bytes written. Not atomic on the local side: on failure
     * {@code target} may be partly written, so download to a temporary name, check the size and move.
     */
    long download(String name, Path target);

    /**
     * The blobs whose names start with {@code prefix} (plain string prefix, so {@code "a/b"} also
     * matches {@code "a/bc"}; use a trailing {@code /} for a folder), in lexicographic order of their
     * names. The empty prefix lists everything. Not a snapshot: blobs written during the listing may
     * or may not appear. An empty list, not an error, when nothing matches.
     */
    List<BlobEntry> list(String prefix);

    /**
     * The names of the sub-folders directly below the folder {@code prefix} ({@code ""} for the
     * root, else ending with {@code /}): the distinct next segments of the blobs below it that have
     * a further {@code /}, in lexicographic order, without the prefix and without a trailing
     * {@code /}. A folder exists only while a blob below it does. Same consistency as {@link #list}.
     *
     * <p>The default lists every blob below the prefix; stores that can list one level (Azure's
     * delimiter listing) override it so discovering a lake's tables does not list its data files.
     */
    default List<String> listFolders(String prefix) {
        BlobName.requireValidPrefix(prefix);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            throw new IllegalArgumentException("a folder prefix is empty or ends with '/': " + prefix);
        }
        TreeSet<String> folders = new TreeSet<>();
        for (BlobEntry entry : list(prefix)) {
            String rest = entry.name().substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash > 0) {
                folders.add(rest.substring(0, slash));
            }
        }
        return List.copyOf(folders);
    }

    /**
     * Creates the blob with {@code content} if and only if no blob of that name exists: the atomic
     * commit primitive. Of any number of concurrent callers (threads, processes, machines) exactly one
     * gets {@code CREATED}; readers never see partial content. See the class comment for what
     * {@code ALREADY_EXISTS} means after a retry inside the store ({@link LocalBlobStore} never retries).
     */
    CreateOutcome createIfAbsent(String name, byte[] content);

    /**
     * Replaces the blob's content with {@code content} if and only if its current ETag is
     * {@code expectedEtag} (compare-and-swap). Of concurrent callers with the same expected ETag at
     * most one gets {@code REPLACED}. A missing blob is {@code ETAG_MISMATCH}. Readers see the old or
     * the new content, never a mix.
     */
    ReplaceOutcome replaceIfMatch(String name, byte[] content, String expectedEtag);

    /**
     * Stores the local file under {@code name}, replacing any existing blob unconditionally. For data
     * files, whose names are unique, never for commits. Readers see the old or the complete new
     * content. Throws {@code FAILED} if the local file cannot be read.
     */
    void upload(String name, Path localFile);

    /**
     * Deletes the blob. Idempotent: returns {@code true} if this call deleted it, {@code false} if it
     * did not exist (so vacuum can be re-run after a crash).
     */
    boolean delete(String name);

    /** The blob's size, ETag and last-modified time, or empty if it does not exist. */
    Optional<BlobEntry> properties(String name);

    /**
     * Tries to take the lease on the small lock blob {@code name}, creating the blob (empty) if it does
     * not exist: a mutual-exclusion primitive for servers sharing the store. Never waits for another
     * holder. Of any number of concurrent callers (threads, processes, machines) at most one gets a
     * lease; while a lease is held and not expired, every other caller gets empty. A lease expires
     * {@code duration} after it was taken or last {@linkplain Lease#renew() renewed}; after that, or
     * after {@link Lease#release()}, the next caller gets it. The holder must renew well within the
     * duration (a third of it is usual): a holder that was paused longer loses the lease silently and
     * learns it at its next renewal.
     *
     * <p>Do not write the lock blob with the other operations; the lease owns it.
     *
     * @param duration how long the lease lasts without renewal; every store accepts 15 to 60 seconds
     *     in whole seconds ({@link AzureBlobStore} accepts nothing else; {@link LocalBlobStore} accepts
     *     any positive duration)
     * @return the lease, or empty if another holder has it
     * @throws IllegalArgumentException for a duration the store cannot lease for
     * @throws BlobStoreException as the other operations, when the store cannot be reached; the caller
     *     then does not hold the lease (a lease taken by a request whose answer was lost expires)
     */
    Optional<Lease> acquireLease(String name, Duration duration);

    /**
     * A lease granted by {@link #acquireLease}. Thread-safe; meant to be renewed from one background
     * thread while the work it guards runs on another.
     */
    interface Lease {
        /** The lock blob's name. */
        String name();

        /**
         * Extends the lease to its duration from now.
         *
         * @return true if it is still this caller's lease; false if it was lost (it expired and another
         *     caller took it, or it was released) — stop the work it guards
         * @throws BlobStoreException when the store cannot be reached; the lease may still be held until it
         *     expires, so the caller may retry while time remains
         */
        boolean renew();

        /**
         * Ends the lease so the next caller gets it at once. Idempotent; releasing a lost lease does
         * nothing (it does not end another holder's lease).
         *
         * @throws BlobStoreException when the store cannot be reached; the lease then expires on its own
         */
        void release();
    }
}
