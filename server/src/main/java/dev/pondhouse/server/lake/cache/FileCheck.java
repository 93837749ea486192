package dev.pondhouse.server.lake.cache;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * What the cache recorded about a file when it downloaded it, kept in a small sidecar file next to
 * it: its size, the CRC-32C of its content, and its last-modified time on the local disk.
 *
 * <p>Why these: the size catches truncation with one {@code stat}; the modified time tells, with
 * the same {@code stat}, that something wrote to the file since (then the content is checked
 * again); the CRC-32C, computed from the downloaded bytes before the file is moved into place,
 * catches a changed content of the same size. CRC-32C is hardware-accelerated in the JDK and a
 * 32-bit checksum is ample against accidental damage (it is not a defence against someone who can
 * write to the cache folder: they could also rewrite the sidecar). Azure's {@code Content-MD5} is
 * not used: Azure only keeps it for blobs uploaded in one request.
 *
 * @param size the file's length in bytes
 * @param crc32c the CRC-32C of its content
 * @param modifiedNanos its last-modified time, in nanoseconds since the epoch
 */
record FileCheck(long size, long crc32c, long modifiedNanos) {
    private static final int BUFFER_SIZE = 1 << 20;

    /** The sidecar of {@code file}: a reserved name in the same folder. */
    static Path sidecarOf(Path file) {
        return file.resolveSibling(DiskCache.SIDECAR_PREFIX + file.getFileName());
    }

    /** Deletes a cached file and its sidecar, if they exist. */
    static void deleteWithSidecar(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(sidecarOf(file));
    }

    /** The CRC-32C of a file's content. */
    static long crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return crc.getValue();
    }

    /** The file's size and modified time now, or empty if it is gone. */
    static Optional<BasicFileAttributes> attributes(Path file) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile() ? Optional.of(attributes) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    static long modifiedNanos(BasicFileAttributes attributes) {
        return attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    }

    /** Whether a {@code stat} of the file agrees with this record: same size, not modified since. */
    boolean matches(BasicFileAttributes attributes) {
        return attributes.size() == size && modifiedNanos(attributes) == modifiedNanos;
    }

    /** Writes the sidecar of {@code file} atomically (temporary name, then rename). */
    void writeSidecar(Path file) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("size", Long.toString(size));
        properties.setProperty("crc32c", Long.toString(crc32c));
        properties.setProperty("modified-nanos", Long.toString(modifiedNanos));
        Path sidecar = sidecarOf(file);
        Path temporary = file.resolveSibling(DiskCache.TEMPORARY_PREFIX + UUID.randomUUID());
        try {
            try (var writer = Files.newBufferedWriter(temporary, UTF_8)) {
                properties.store(writer, null);
            }
            Files.move(temporary, sidecar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The record in the sidecar of {@code file}, or empty if there is none or it cannot be parsed. */
    static Optional<FileCheck> readSidecar(Path file) throws IOException {
        Path sidecar = sidecarOf(file);
        if (!Files.isRegularFile(sidecar)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(sidecar, UTF_8)) {
            properties.load(reader);
        }
        try {
            return Optional.of(new FileCheck(Long.parseLong(properties.getProperty("size")),
                    Long.parseLong(properties.getProperty("crc32c")),
                    Long.parseLong(properties.getProperty("modified-nanos"))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
