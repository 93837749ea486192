package dev.pondhouse.server.lake.delta;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The URI encoding of file paths in the Delta log ({@code add.path}, {@code remove.path}). The
 * protocol stores paths as RFC 2396 URIs, so a space is {@code %20}; a Hive partition folder such as
 * {@code day=2024-01-01} keeps its {@code =}. Decoding is plain percent-decoding ({@code +} stays
 * {@code +}: this is not form encoding).
 */
final class LogPaths {
    private static final String UNENCODED_PUNCTUATION = "-._~/!$&'()*+,;=@";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private LogPaths() {
    }

    /** The form of {@code path} stored in the log. Encodes {@code :} too, so a relative path never looks like a URI scheme. */
    static String encode(String path) {
        StringBuilder encoded = new StringBuilder(path.length());
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (isUnencoded(c)) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return encoded.toString();
    }

    /** The path that {@code encoded}, as found in the log, stands for. */
    static String decode(String encoded) {
        if (encoded.indexOf('%') < 0) {
            return encoded;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("truncated percent escape in path " + encoded);
                }
                int high = Character.digit(encoded.charAt(i + 1), 16);
                int low = Character.digit(encoded.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("invalid percent escape in path " + encoded);
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                byte[] character = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < encoded.length()) {
                    character = encoded.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.write(character, 0, character.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isUnencoded(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || UNENCODED_PUNCTUATION.indexOf(c) >= 0;
    }
}
