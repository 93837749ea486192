package dev.pondhouse.server.lake.delta;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One write to a Delta table: what it does with the existing rows, the new rows, and optionally the
 * application transaction that makes it idempotent. Build it with the factory methods.
 *
 * @param mode what happens to the rows already in the table
 * @param data the new rows
 * @param partitionColumns for {@link Mode#CREATE}, and for {@link Mode#OVERWRITE} when present, the
 *     table's (new) partition columns; otherwise empty (the table's own are used)
 * @param replacedFiles for {@link Mode#REWRITE} and {@link Mode#MERGE}, the paths (as in their
 *     {@code add} actions) of the files the new files replace; otherwise empty
 * @param transactions the application ids and versions of an idempotent write, usually one: if the
 *     table already records, for every one of them, a version at least this high, the write is
 *     skipped and reported {@link WriteResult.Outcome#ALREADY_APPLIED}; if it records that for some
 *     but not all, the write fails as a conflict; otherwise the commit records these versions. The
 *     application ids are distinct.
 * @param readVersion the table version the request was planned from (the files to replace were
 *     chosen in it): the writer starts from that snapshot instead of the latest, so every commit
 *     made since is checked for conflicts. Required for {@link Mode#MERGE}; not for {@link Mode#CREATE}
 */
public record WriteRequest(
        Mode mode,
        TableData data,
        Optional<List<String>> partitionColumns,
        Set<String> replacedFiles,
        List<AppTransaction> transactions,
        Optional<Long> readVersion) {
    /** What a write does with the rows already in the table. */
    public enum Mode {
        /** Creates the table (version 0); fails if it exists. */
        CREATE,
        /** Adds the rows. Never conflicts with other appends or with rewrites. */
        APPEND,
        /** Replaces every row; creates the table if it does not exist; may change the schema and partitioning. */
        OVERWRITE,
        /**
         * Replaces exactly the partitions that occur in the new rows; the others stay. Only for
         * partitioned tables.
         */
        REPLACE_PARTITIONS,
        /**
         * Replaces some files with files holding the same rows (compaction): the commit's actions
         * have {@code dataChange = false}, so it never conflicts with appends.
         */
        REWRITE,
        /**
         * Removes the replaced files (possibly none) and adds the new rows, as a data change: the
         * copy-on-write of an upsert, whose new rows are the replaced files' rows that stay plus the
         * new and changed ones. Conflicts with every commit since {@link #readVersion()} that removes
         * a file or adds data (serializable), since either could hold a key this write decided on.
         */
        MERGE
    }

    /**
     * An application's idempotency key, recorded as a Delta {@code txn} action.
     *
     * @param appId the application's unique id (a pipeline step, an ingest stream)
     * @param version its monotonically increasing run or batch number
     */
    public record AppTransaction(String appId, long version) {
        public AppTransaction {
            requireNonNull(appId, "appId is null");
            if (appId.isEmpty()) {
                throw new IllegalArgumentException("appId is empty");
            }
        }
    }

    public WriteRequest {
        requireNonNull(mode, "mode is null");
        requireNonNull(data, "data is null");
        partitionColumns = requireNonNull(partitionColumns, "partitionColumns is null").map(List::copyOf);
        replacedFiles = Set.copyOf(replacedFiles);
        transactions = List.copyOf(transactions);
        requireNonNull(readVersion, "readVersion is null");
        if (partitionColumns.isPresent() && mode != Mode.CREATE && mode != Mode.OVERWRITE) {
            throw new IllegalArgumentException("only create and overwrite set partition columns, not " + mode);
        }
        if (mode == Mode.CREATE && partitionColumns.isEmpty()) {
            throw new IllegalArgumentException("create needs the partition columns (an empty list for none)");
        }
        if (mode == Mode.REWRITE && replacedFiles.isEmpty()) {
            throw new IllegalArgumentException("a rewrite needs the files it replaces");
        }
        if (mode != Mode.REWRITE && mode != Mode.MERGE && !replacedFiles.isEmpty()) {
            throw new IllegalArgumentException("only a rewrite or a merge names replaced files, not " + mode);
        }
        if (mode == Mode.MERGE && readVersion.isEmpty()) {
            throw new IllegalArgumentException("a merge needs the version it was planned from");
        }
        if (mode == Mode.CREATE && readVersion.isPresent()) {
            throw new IllegalArgumentException("a create reads no version");
        }
        readVersion.ifPresent(version -> {
            if (version < 0) {
                throw new IllegalArgumentException("readVersion is negative: " + version);
            }
        });
        if (transactions.stream().map(AppTransaction::appId).distinct().count() != transactions.size()) {
            throw new IllegalArgumentException("an application id is listed twice: " + transactions);
        }
        partitionColumns.ifPresent(columns -> {
            if (Set.copyOf(columns).size() != columns.size()) {
                throw new IllegalArgumentException("a partition column is listed twice: " + columns);
            }
        });
    }

    /** Creates the table with these partition columns (none: an empty list). */
    public static WriteRequest create(TableData data, List<String> partitionColumns) {
        return new WriteRequest(Mode.CREATE, data, Optional.of(partitionColumns), Set.of(), List.of(), Optional.empty());
    }

    public static WriteRequest append(TableData data) {
        return new WriteRequest(Mode.APPEND, data, Optional.empty(), Set.of(), List.of(), Optional.empty());
    }

    /** Replaces every row, keeping the table's partitioning (none if the table is new). */
    public static WriteRequest overwrite(TableData data) {
        return new WriteRequest(Mode.OVERWRITE, data, Optional.empty(), Set.of(), List.of(), Optional.empty());
    }

    /** Replaces every row and sets the partition columns. */
    public static WriteRequest overwrite(TableData data, List<String> partitionColumns) {
        return new WriteRequest(Mode.OVERWRITE, data, Optional.of(partitionColumns), Set.of(), List.of(), Optional.empty());
    }

    public static WriteRequest replacePartitions(TableData data) {
        return new WriteRequest(Mode.REPLACE_PARTITIONS, data, Optional.empty(), Set.of(), List.of(), Optional.empty());
    }

    /** Replaces {@code replacedFiles} with the files of {@code data}, which must hold the same rows. */
    public static WriteRequest rewrite(TableData data, Set<String> replacedFiles) {
        return new WriteRequest(Mode.REWRITE, data, Optional.empty(), replacedFiles, List.of(), Optional.empty());
    }

    /**
     * Replaces {@code replacedFiles} (chosen in version {@code readVersion}) with the rows of
     * {@code data}: see {@link Mode#MERGE}.
     */
    public static WriteRequest merge(TableData data, Set<String> replacedFiles, long readVersion) {
        return new WriteRequest(Mode.MERGE, data, Optional.empty(), replacedFiles, List.of(), Optional.of(readVersion));
    }

    /** This request, made idempotent by the application transaction {@code appId}/{@code version}. */
    public WriteRequest withTransaction(String appId, long version) {
        return withTransactions(List.of(new AppTransaction(appId, version)));
    }

    /**
     * This request, made idempotent by several application transactions at once: one commit records
     * them all (for example one per source file of an ingest).
     */
    public WriteRequest withTransactions(List<AppTransaction> appTransactions) {
        return new WriteRequest(mode, data, partitionColumns, replacedFiles, appTransactions, readVersion);
    }
}
