package dev.pondhouse.server.lake;

import java.io.IOException;
import java.util.List;

/**
 * Where the served tables come from. An implementation discovers the tables of a lake and the
 * files of each table's current snapshot; the engine turns them into views.
 *
 * <p>{@link #tables()} may do I/O and may be called repeatedly (polling); each call returns a
 * consistent snapshot of every table it lists. A table it cannot read is left out, or kept at the
 * last version it could read (catalogs that cache, such as {@link BlobDeltaLakeCatalog}), and
 * reported through the returned list of problems, never by failing the whole lake. It throws only
 * when the lake as a whole cannot be listed (storage unreachable); the caller then keeps serving
 * what it served and tries again later.
 */
public interface LakeCatalog {
    /** The tables of the lake as of now, and the tables that could not be read. */
    Listing tables() throws IOException;

    /** Tables found, and human-readable problems with the ones that could not be served. */
    record Listing(List<LakeTable> tables, List<String> problems) {
        public Listing {
            tables = List.copyOf(tables);
            problems = List.copyOf(problems);
        }
    }
}
