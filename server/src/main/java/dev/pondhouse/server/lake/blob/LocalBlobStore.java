package dev.pondhouse.server.lake.blob;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.server.lake.blob.BlobStoreException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link BlobStore} in a local directory: blob {@code a/b/c} is the file {@code <root>/a/b/c}.
 *
 * <p><b>How writes stay atomic.</b> Every write first goes to a hidden temporary file in the target's
 * directory ({@code .pondhouse-tmp-<uuid>}, never listed), is flushed to disk, and then becomes
 * visible in one step:
 * <ul>
 *   <li>{@link #createIfAbsent}: {@link Files#createLink} (a hard link, {@code link(2)}), which the
 *       operating system refuses when the target exists, atomically, across processes. A rename
 *       without replace is not used: Java checks for the target and then renames, which is racy.
 *       The file system must support hard links (every Linux and macOS local file system does).
 *   <li>{@link #replaceIfMatch}, {@link #upload}, {@link #delete}: an atomic rename (or unlink) done
 *       while holding the store's replace lock: a {@link ReentrantLock} for threads of this instance
 *       and an exclusive {@link FileChannel#lock()} on {@code <root>/.pondhouse-replace.lock} for other
 *       processes and other instances. Holding it across "compare ETag, rename" makes the
 *       compare-and-swap safe; delete and upload take it so they cannot slip in between. Only the
 *       final rename is serialized, so parallel uploads still copy in parallel.
 * </ul>
 *
 * <p><b>Leases.</b> {@link #acquireLease} keeps the holder and expiry time in the lock blob and
 * changes them only by create-if-absent and replace-if-match ({@link ExpiringLeaseFile}), so it
 * excludes other threads, instances and processes on this machine, which share its clock. An OS file
 * lock was not used: it cannot expire while its process lives, and the JVM grants it per process.
 *
 * <p><b>ETag.</b> {@code "<inode>-<size>-<modified nanos>"}, from file attributes without reading
 * content. Every write creates a new file (new inode, new modification time), so the ETag changes
 * on every write, including one of identical content.
 *
 * <p><b>Limitation.</b> A name cannot be both a blob and a folder ({@code a} and {@code a/b}); the
 * second write fails with {@code INVALID_NAME}. The Delta layout never needs both.
 */
public final class LocalBlobStore implements BlobStore {
    private static final String TEMPORARY_PREFIX = BlobName.RESERVED_PREFIX + "tmp-";
    private static final String LOCK_FILE = BlobName.RESERVED_PREFIX + "replace.lock";
    private static final long LOCK_WAIT_MILLIS = 30_000;

    private final Path root;
    /** Serializes this instance's threads before they take the file lock (which is per JVM). */
    private final ReentrantLock replaceLock = new ReentrantLock();

    public LocalBlobStore(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    /** The directory this store keeps its blobs in. */
    public Path root() {
        return root;
    }

    @Override
    public byte[] read(String name) {
        Path file = resolve(name);
        try {
            requireRegularFile(name, file);
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw failure(name, "read", e);
        }
    }

    @Override
    public byte[] readRange(String name, long offset, long length) {
        Path file = resolve(name);
        checkRange(offset, length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long available = Math.max(0, channel.size() - offset);
            ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(Math.min(length, available)));
            long position = offset;
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position);
                if (read < 0) {
                    break;
                }
                position += read;
            }
            return buffer.position() == buffer.capacity()
                    ? buffer.array()
                    : Arrays.copyOf(buffer.array(), buffer.position());
        } catch (IOException e) {
            throw failure(name, "read a range of", e);
        }
    }

    @Override
    public long download(String name, Path target) {
        Path file = resolve(name);
        requireNonNull(target, "target is null");
        try {
            requireRegularFile(name, file);
        } catch (NoSuchFileException e) {
            throw failure(name, "download", e);
        }
        try (InputStream input = Files.newInputStream(file)) {
            return Files.copy(input, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw failure(name, "download", e);
        }
    }

    @Override
    public List<BlobEntry> list(String prefix) {
        BlobName.requireValidPrefix(prefix);
        int lastSlash = prefix.lastIndexOf('/');
        Path start = lastSlash < 0 ? root : root.resolve(prefix.substring(0, lastSlash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<BlobEntry> entries = new ArrayList<>();
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    String name = nameOf(file);
                    if (attributes.isRegularFile() && name.startsWith(prefix) && !isBookkeeping(name)) {
                        entries.add(new BlobEntry(name, attributes.size(), etag(attributes),
                                attributes.lastModifiedTime().toInstant()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // deleted while we listed: not there
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw failure(prefix, "list", e);
        }
        entries.sort(Comparator.comparing(BlobEntry::name));
        return List.copyOf(entries);
    }

    @Override
    public CreateOutcome createIfAbsent(String name, byte[] content) {
        Path file = resolve(name);
        requireNonNull(content, "content is null");
        Path temporary = writeTemporary(name, file, content);
        try {
            Files.createLink(file, temporary);
            return CreateOutcome.CREATED;
        } catch (FileAlreadyExistsException e) {
            return CreateOutcome.ALREADY_EXISTS;
        } catch (UnsupportedOperationException e) {
            throw new BlobStoreException(Kind.FAILED, name,
                    "The file system of " + root + " does not support hard links, which create-if-absent needs", e);
        } catch (IOException e) {
            throw failure(name, "create", e);
        } finally {
            deleteTemporary(name, temporary);
        }
    }

    @Override
    public ReplaceOutcome replaceIfMatch(String name, byte[] content, String expectedEtag) {
        Path file = resolve(name);
        requireNonNull(content, "content is null");
        requireNonNull(expectedEtag, "expectedEtag is null");
        Path temporary = writeTemporary(name, file, content);
        try {
            return underReplaceLock(name, () -> {
                Optional<BlobEntry> current = entryOf(name, file);
                if (current.isEmpty() || !current.get().etag().equals(expectedEtag)) {
                    return ReplaceOutcome.ETAG_MISMATCH;
                }
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return ReplaceOutcome.REPLACED;
            });
        } finally {
            deleteTemporary(name, temporary);
        }
    }

    @Override
    public void upload(String name, Path localFile) {
        Path file = resolve(name);
        requireNonNull(localFile, "localFile is null");
        Path temporary = temporaryFor(name, file);
        try {
            Files.copy(localFile, temporary);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            underReplaceLock(name, () -> Files.move(temporary, file,
                    StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING));
        } catch (NoSuchFileException e) {
            throw new BlobStoreException(Kind.FAILED, name, "Cannot upload blob '" + name
                    + "': the local file " + localFile + " does not exist", e);
        } catch (IOException e) {
            throw failure(name, "upload", e);
        } finally {
            deleteTemporary(name, temporary);
        }
    }

    @Override
    public boolean delete(String name) {
        Path file = resolve(name);
        if (Files.isDirectory(file)) {
            return false;
        }
        return underReplaceLock(name, () -> Files.deleteIfExists(file));
    }

    @Override
    public Optional<BlobEntry> properties(String name) {
        return entryOf(name, resolve(name));
    }

    /** A lease written into the lock blob with its expiry; see {@link ExpiringLeaseFile}. */
    @Override
    public Optional<Lease> acquireLease(String name, Duration duration) {
        return ExpiringLeaseFile.acquire(this, name, duration, Clock.systemUTC());
    }

    private Path resolve(String name) {
        return root.resolve(BlobName.requireValid(name));
    }

    private String nameOf(Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    private static boolean isBookkeeping(String name) {
        return name.startsWith(BlobName.RESERVED_PREFIX) || name.contains("/" + BlobName.RESERVED_PREFIX);
    }

    private Optional<BlobEntry> entryOf(String name, Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new BlobEntry(name, attributes.size(), etag(attributes),
                    attributes.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure(name, "read the properties of", e);
        }
    }

    private static String etag(BasicFileAttributes attributes) {
        Object fileKey = attributes.fileKey();
        long identity = fileKey == null ? 0 : fileKey.hashCode() & 0xffffffffL;
        long modifiedNanos = TimeUnit.SECONDS.toNanos(attributes.lastModifiedTime().toInstant().getEpochSecond())
                + attributes.lastModifiedTime().toInstant().getNano();
        return "\"" + Long.toHexString(identity) + "-" + Long.toHexString(attributes.size())
                + "-" + Long.toHexString(modifiedNanos) + "\"";
    }

    private Path temporaryFor(String name, Path file) {
        Path directory = file.getParent();
        try {
            Files.createDirectories(directory);
        } catch (FileAlreadyExistsException e) {
            throw new BlobStoreException(Kind.INVALID_NAME, name, "Cannot store blob '" + name
                    + "': a blob named like one of its folders exists, and a local store cannot hold both", e);
        } catch (IOException e) {
            throw failure(name, "create the folder of", e);
        }
        return directory.resolve(TEMPORARY_PREFIX + UUID.randomUUID());
    }

    private Path writeTemporary(String name, Path file, byte[] content) {
        Path temporary = temporaryFor(name, file);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
            return temporary;
        } catch (IOException e) {
            deleteTemporary(name, temporary);
            throw failure(name, "write", e);
        }
    }

    private void deleteTemporary(String name, Path temporary) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            throw failure(name, "delete the temporary file of", e);
        }
    }

    private interface LockedAction<T> {
        T run() throws IOException;
    }

    private interface LockedVoidAction {
        void run() throws IOException;
    }

    private void underReplaceLock(String name, LockedVoidAction action) {
        underReplaceLock(name, () -> {
            action.run();
            return null;
        });
    }

    private <T> T underReplaceLock(String name, LockedAction<T> action) {
        replaceLock.lock();
        try {
            Files.createDirectories(root);
            try (FileChannel channel = FileChannel.open(root.resolve(LOCK_FILE),
                            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockAcrossProcesses(name, channel)) {
                return action.run();
            }
        } catch (IOException e) {
            throw failure(name, "write", e);
        } finally {
            replaceLock.unlock();
        }
    }

    /**
     * Takes the file lock. Another {@code LocalBlobStore} on the same root in this JVM holding it makes
     * {@link FileChannel#lock()} throw {@link OverlappingFileLockException} instead of waiting, so that
     * case polls, bounded.
     */
    private static FileLock lockAcrossProcesses(String name, FileChannel channel) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOCK_WAIT_MILLIS);
        while (true) {
            try {
                return channel.lock();
            } catch (OverlappingFileLockException e) {
                if (System.nanoTime() > deadline) {
                    throw new BlobStoreException(Kind.UNAVAILABLE, name,
                            "Timed out waiting for the local blob store's replace lock", e);
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new BlobStoreException(Kind.UNAVAILABLE, name, "Interrupted waiting for the replace lock", interrupted);
                }
            }
        }
    }

    private static void requireRegularFile(String name, Path file) throws NoSuchFileException {
        if (Files.isDirectory(file)) {
            throw new NoSuchFileException(file.toString(), null, "is a folder, not a blob: " + name);
        }
    }

    private static void checkRange(long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative: " + offset + ", " + length);
        }
    }

    private BlobStoreException failure(String name, String action, IOException e) {
        Kind kind;
        if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
            kind = Kind.NOT_FOUND;
        } else if (e instanceof AccessDeniedException) {
            kind = Kind.PERMISSION_DENIED;
        } else {
            kind = Kind.FAILED;
        }
        String detail = e instanceof FileSystemException fileSystem && fileSystem.getReason() != null
                ? fileSystem.getReason() : String.valueOf(e.getMessage());
        String message = kind == Kind.NOT_FOUND
                ? "Blob '" + name + "' does not exist in " + root
                : "Cannot " + action + " blob '" + name + "' in " + root + ": " + detail;
        return new BlobStoreException(kind, name, message, e);
    }
}
