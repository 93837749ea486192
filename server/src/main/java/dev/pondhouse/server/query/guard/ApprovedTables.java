package dev.pondhouse.server.query.guard;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The context for checking a statement the guard rewrote: it may read exactly the tables the first
 * check approved (the tables read as they are and the views read in their place), it may not be
 * redirected again, and everything else about the session is as before.
 */
final class ApprovedTables implements GuardContext {
    private final GuardContext session;
    private final Set<QualifiedTable> approved;

    ApprovedTables(GuardContext session, Set<QualifiedTable> approved) {
        this.session = requireNonNull(session, "session is null");
        this.approved = requireNonNull(approved, "approved is null").stream()
                .map(QualifiedTable::normalized)
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public String defaultCatalog() {
        return session.defaultCatalog();
    }

    @Override
    public String defaultSchema() {
        return session.defaultSchema();
    }

    @Override
    public boolean isTemporaryObject(String name) {
        return session.isTemporaryObject(name);
    }

    @Override
    public TableAccess tableAccess(QualifiedTable table) {
        return approved.contains(table.normalized()) ? TableAccess.READ : TableAccess.DENIED;
    }

    @Override
    public Optional<QualifiedTable> tableFunctionReplacement(String functionName) {
        return Optional.empty();
    }
}
