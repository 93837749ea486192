package dev.pondhouse.server.lake.blob;

import static java.util.Objects.requireNonNull;

/**
 * The rules every blob name follows, in every implementation: a relative path of non-empty
 * segments separated by {@code /}, such as {@code tpch/orders/_delta_log/00000000000000000000.json}.
 *
 * <p>Not allowed: an empty name, a leading or trailing {@code /}, empty segments ({@code a//b}),
 * the segments {@code .} and {@code ..}, backslashes, control characters, and segments starting with
 * {@value #RESERVED_PREFIX} (the local store's temporary and lock files).
 */
public final class BlobName {
    /** Segments starting with this are reserved for the store's own bookkeeping files. */
    public static final String RESERVED_PREFIX = ".pondhouse-";

    private static final int MAX_LENGTH = 1024;

    private BlobName() {}

    /** Returns {@code name} if it is a valid blob name, else throws {@code INVALID_NAME}. */
    public static String requireValid(String name) {
        requireNonNull(name, "name is null");
        if (name.isEmpty()) {
            throw invalid(name, "it is empty");
        }
        if (name.endsWith("/")) {
            throw invalid(name, "it ends with '/' (a blob name names a file, not a folder)");
        }
        checkSegments(name, name);
        return name;
    }

    /**
     * Returns {@code prefix} if it is a valid listing prefix: empty (everything), or a valid name
     * that may end with {@code /} and whose last segment may be partial.
     */
    public static String requireValidPrefix(String prefix) {
        requireNonNull(prefix, "prefix is null");
        if (prefix.isEmpty()) {
            return prefix;
        }
        String withoutSlash = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (withoutSlash.isEmpty()) {
            throw invalid(prefix, "it is only '/' (use the empty prefix to list everything)");
        }
        checkSegments(prefix, withoutSlash);
        return prefix;
    }

    private static void checkSegments(String original, String path) {
        if (path.length() > MAX_LENGTH) {
            throw invalid(original, "it is longer than " + MAX_LENGTH + " characters");
        }
        if (path.startsWith("/")) {
            throw invalid(original, "it starts with '/' (names are relative to the store's root)");
        }
        for (int index = 0; index < path.length(); index++) {
            char character = path.charAt(index);
            if (character == '\\') {
                throw invalid(original, "it contains a backslash (use '/' between segments)");
            }
            if (Character.isISOControl(character)) {
                throw invalid(original, "it contains a control character at position " + index);
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                throw invalid(original, "it has an empty segment ('//')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw invalid(original, "it has a '" + segment + "' segment");
            }
            if (segment.startsWith(RESERVED_PREFIX)) {
                throw invalid(original, "segments starting with '" + RESERVED_PREFIX + "' are reserved");
            }
        }
    }

    private static BlobStoreException invalid(String name, String reason) {
        return new BlobStoreException(
                BlobStoreException.Kind.INVALID_NAME,
                name,
                "Invalid blob name '" + name + "': " + reason
                        + ". Expected a relative path like 'schema/table/_delta_log/00000000000000000000.json'.");
    }
}
