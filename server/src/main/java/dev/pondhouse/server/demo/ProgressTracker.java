package dev.pondhouse.server.demo;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;

/**
 * Adds up the rows written per table by parallel workers and forwards the sums to a {@link
 * GenerationProgress}. Thread-safe: all state is guarded by this object's monitor, which also keeps
 * listener calls from overlapping.
 */
final class ProgressTracker {
    private final GenerationProgress listener;
    private final Map<String, TableProgress> tables = new HashMap<>();

    ProgressTracker(GenerationProgress listener) {
        this.listener = requireNonNull(listener, "listener is null");
    }

    /** Registers {@code table}, expected to have about {@code rowsEstimated} rows written by {@code parts} parts. */
    synchronized void expect(String table, long rowsEstimated, int parts) {
        requireNonNull(table, "table is null");
        if (parts < 1) {
            throw new IllegalArgumentException("parts of table " + table + " must be at least 1, got " + parts);
        }
        tables.put(table, new TableProgress(rowsEstimated, parts));
    }

    /** Records {@code rows} more rows of {@code table} and reports the new sum. */
    synchronized void rowsWritten(String table, long rows) {
        TableProgress progress = progressOf(table);
        progress.rowsDone += rows;
        report(table, progress, Math.max(progress.rowsEstimated, progress.rowsDone));
    }

    /** Records that one part of {@code table} is complete; after the last part, reports the exact total. */
    synchronized void partFinished(String table) {
        TableProgress progress = progressOf(table);
        progress.partsRemaining--;
        if (progress.partsRemaining == 0) {
            report(table, progress, progress.rowsDone);
        }
    }

    /** Calls the listener, unless it would hear exactly what it heard last for this table. */
    private void report(String table, TableProgress progress, long rowsTotal) {
        if (progress.rowsDone == progress.rowsReported && rowsTotal == progress.rowsTotalReported) {
            return;
        }
        progress.rowsReported = progress.rowsDone;
        progress.rowsTotalReported = rowsTotal;
        listener.progress(table, progress.rowsDone, rowsTotal);
    }

    private TableProgress progressOf(String table) {
        TableProgress progress = tables.get(table);
        if (progress == null) {
            throw new IllegalStateException("progress of table " + table + " was not expected");
        }
        return progress;
    }

    private static final class TableProgress {
        private final long rowsEstimated;
        private int partsRemaining;
        private long rowsDone;
        private long rowsReported = -1;
        private long rowsTotalReported = -1;

        TableProgress(long rowsEstimated, int partsRemaining) {
            this.rowsEstimated = rowsEstimated;
            this.partsRemaining = partsRemaining;
        }
    }
}
