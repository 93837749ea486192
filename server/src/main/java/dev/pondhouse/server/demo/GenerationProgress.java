package dev.pondhouse.server.demo;

/**
 * Receives progress of a TPC-H generation, for example to print it on the command line.
 *
 * <p>Calls come from the generator's worker threads but never at the same time: the generator
 * serializes them, so an implementation needs no locking of its own. Calls for one table report a
 * non-decreasing {@code rowsDone}. A listener should return quickly; an exception it throws fails
 * the generation (the lake keeps its previous content).
 */
@FunctionalInterface
public interface GenerationProgress {
    /**
     * Reports that {@code rowsDone} rows of {@code table} have been written.
     *
     * @param table the TPC-H table name, for example {@code lineitem}
     * @param rowsDone rows written so far for this table, across all of its files
     * @param rowsTotal the expected number of rows, never less than {@code rowsDone}. It is exact
     *     for every table except {@code lineitem}, whose size is only known after generating it: there
     *     it is an estimate (four lines per order, but at least {@code rowsDone}) until the table's
     *     last call. The last call for a table always has {@code rowsDone == rowsTotal}; for {@code
     *     lineitem} an earlier call may too, when the table outgrows the estimate before its last part
     *     is done. Two consecutive calls for a table never carry the same numbers.
     */
    void progress(String table, long rowsDone, long rowsTotal);

    /** A listener that ignores all progress. */
    static GenerationProgress ignoring() {
        return (table, rowsDone, rowsTotal) -> {};
    }
}
