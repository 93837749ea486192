package dev.pondhouse.server.lake;

import java.util.regex.Pattern;

/**
 * The rules for the data file paths of {@code add} actions that every Delta catalog applies: only
 * paths relative to the table folder are served. A path that merely looks like a URI
 * ({@code scheme:...}) after decoding is treated as absolute and rejected, even if its colon was
 * percent-encoded in the log.
 */
final class DeltaDataFiles {
    private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*", Pattern.DOTALL);

    private DeltaDataFiles() {}

    /** Throws {@link InvalidDataFileException} if the decoded {@code add} path is absolute or a URI. */
    static void requireRelative(String path, long version) {
        if (URI_SCHEME.matcher(path).matches() || path.startsWith("/") || path.startsWith("\\")) {
            throw new InvalidDataFileException("data file " + path + " at version " + version
                    + " is absolute; only paths inside the table folder are supported");
        }
    }

    /** A snapshot names a data file a catalog cannot serve; the message says which and why. */
    static final class InvalidDataFileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidDataFileException(String message) {
            super(message);
        }
    }
}
