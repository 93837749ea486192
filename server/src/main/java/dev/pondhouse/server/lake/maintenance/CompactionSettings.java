package dev.pondhouse.server.lake.maintenance;

/**
 * How {@link TableCompactor} bin-packs a table's data files.
 *
 * @param targetFileSize the size, in bytes, a rewritten file aims at: small files are packed into
 *     groups whose sizes add up to at most this much (the last group of a partition may take up to
 *     {@code smallFileSize} more, so no small file is left behind alone)
 * @param smallFileSize files smaller than this are rewritten; larger ones are left alone. At most
 *     {@code targetFileSize}; with the default of half the target, any two small files fit in one
 *     group, so every group but the last ends between half the target and the target
 * @param maxBytesPerCommit how many bytes of small files one commit rewrites at most (at least one
 *     group, whatever its size): bounds the local disk the staged files take and the work lost to a
 *     conflict; a run over more makes several commits
 */
public record CompactionSettings(long targetFileSize, long smallFileSize, long maxBytesPerCommit) {
    private static final long MEBIBYTE = 1024L * 1024;

    /** A target of 128 MiB, files below 64 MiB rewritten, at most 1 GiB per commit. */
    public static final CompactionSettings DEFAULT = forTarget(128 * MEBIBYTE);

    public CompactionSettings {
        if (targetFileSize < 1) {
            throw new IllegalArgumentException("targetFileSize must be positive: " + targetFileSize);
        }
        if (smallFileSize < 1 || smallFileSize > targetFileSize) {
            throw new IllegalArgumentException("smallFileSize must be between 1 and targetFileSize (" + targetFileSize
                    + "): " + smallFileSize);
        }
        if (maxBytesPerCommit < 1) {
            throw new IllegalArgumentException("maxBytesPerCommit must be positive: " + maxBytesPerCommit);
        }
    }

    /** Files below half of {@code targetFileSize} rewritten, at most 8 targets (and at least 1 GiB) per commit. */
    public static CompactionSettings forTarget(long targetFileSize) {
        return new CompactionSettings(targetFileSize, Math.max(1, targetFileSize / 2),
                Math.max(1024 * MEBIBYTE, Math.multiplyExact(targetFileSize, 8)));
    }
}
