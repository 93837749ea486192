package dev.pondhouse.examples;

import java.util.ArrayList;
import java.util.List;

/**
 * Times the same query on several sides, taking turns: in every round each side runs once, and the
 * order rotates from round to round so that no side always runs first (warm caches, JIT) or last.
 * Warm-up rounds run first and are not timed. Every run must read a result of the same shape as
 * every other run, on every side; otherwise the comparison is meaningless and this fails.
 */
final class SideBySideTimer {
    private final int warmupRounds;
    private final int timedRounds;

    SideBySideTimer(int warmupRounds, int timedRounds) {
        if (warmupRounds < 0 || timedRounds < 1) {
            throw new IllegalArgumentException(
                    "need at least one timed round and no negative warm-up, got " + warmupRounds + " and " + timedRounds);
        }
        this.warmupRounds = warmupRounds;
        this.timedRounds = timedRounds;
    }

    /** Returns one measurement per side, in the order of {@code sides}. */
    List<Measurement> measure(String label, String sql, List<QuerySide> sides) {
        List<List<Long>> nanosPerSide = new ArrayList<>();
        ResultDigest[] digests = new ResultDigest[sides.size()];
        for (int side = 0; side < sides.size(); side++) {
            nanosPerSide.add(new ArrayList<>());
        }
        ResultDigest expected = null;
        String expectedFrom = null;
        for (int round = 0; round < warmupRounds + timedRounds; round++) {
            for (int turn = 0; turn < sides.size(); turn++) {
                int side = (round + turn) % sides.size();
                QuerySide querySide = sides.get(side);
                long start = System.nanoTime();
                ResultDigest digest = run(label, sql, querySide);
                long elapsed = System.nanoTime() - start;
                if (expected == null) {
                    expected = digest;
                    expectedFrom = querySide.name();
                } else if (!expected.sameShape(digest)) {
                    throw new IllegalStateException(label + ": " + querySide.name() + " read " + digest.describe()
                            + " but " + expectedFrom + " read " + expected.describe());
                }
                if (round >= warmupRounds) {
                    nanosPerSide.get(side).add(elapsed);
                }
                digests[side] = digest;
            }
        }
        List<Measurement> measurements = new ArrayList<>(sides.size());
        for (int side = 0; side < sides.size(); side++) {
            measurements.add(new Measurement(sides.get(side).name(), nanosPerSide.get(side), digests[side]));
        }
        return measurements;
    }

    private static ResultDigest run(String label, String sql, QuerySide side) {
        try {
            return side.runner().run(sql);
        } catch (Exception e) {
            throw new IllegalStateException(label + " failed on " + side.name() + ": " + e.getMessage(), e);
        }
    }
}
