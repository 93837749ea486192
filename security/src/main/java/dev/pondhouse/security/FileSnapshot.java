package dev.pondhouse.security;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file's content at one moment: its UTF-8 text and the SHA-256 of its bytes, so that a watcher notices a
 * change by content rather than by modification time (which may not move on a quick edit, and moves when
 * the same content is saved again).
 *
 * @param text the content
 * @param sha256 the SHA-256 of the bytes, in lower-case hex
 */
public record FileSnapshot(String text, String sha256) {

    public FileSnapshot {
        requireNonNull(text, "text is null");
        requireNonNull(sha256, "sha256 is null");
    }

    /**
     * Reads {@code file} whole.
     *
     * @throws java.nio.file.NoSuchFileException if it does not exist
     * @throws CharacterCodingException if it is not UTF-8 text
     * @throws IOException if it cannot be read
     */
    public static FileSnapshot read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(requireNonNull(file, "file is null"));
        String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
        try {
            return new FileSnapshot(text, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }
}
