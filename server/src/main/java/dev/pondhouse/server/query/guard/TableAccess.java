package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

/**
 * What a user may do with one resolved table or view, as the {@link GuardContext} decides it.
 *
 * <ul>
 *   <li>{@link #READ}: the statement may read the object as it is;
 *   <li>{@link ReadThrough}: the statement may read it, but through {@code view} instead (for example
 *       a view that filters rows, or a view standing in for an {@code information_schema} view); the
 *       guard rewrites the reference;
 *   <li>{@link #DENIED}: the object does not exist or the user may not read it. The guard does not
 *       tell the two apart, and neither does its message.
 * </ul>
 */
public sealed interface TableAccess permits TableAccess.Read, TableAccess.ReadThrough, TableAccess.Denied {
    TableAccess READ = new Read();
    TableAccess DENIED = new Denied();

    static TableAccess readThrough(QualifiedTable view) {
        return new ReadThrough(view);
    }

    /** Read the object as it is. */
    record Read() implements TableAccess {}

    /** Read {@code view} in place of the object. */
    record ReadThrough(QualifiedTable view) implements TableAccess {
        public ReadThrough {
            requireNonNull(view, "view is null");
        }
    }

    /** Not readable, or not there. */
    record Denied() implements TableAccess {}
}
