package dev.pondhouse.server.query.access;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.security.rules.AccessRule;
import dev.pondhouse.security.rules.AccessRules;
import dev.pondhouse.security.rules.ColumnRule;
import dev.pondhouse.security.rules.Privilege;
import dev.pondhouse.security.rules.SourceText;
import dev.pondhouse.security.rules.TablePattern;
import dev.pondhouse.security.rules.TableGrant;
import dev.pondhouse.security.AuthenticatedUser;
import dev.pondhouse.server.engine.QueryEngine;
import dev.pondhouse.server.query.access.PolicyViews.ViewName;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles the access rules into what each user may read ({@link UserAccess}), creating the views
 * that apply row filters, masks and hidden columns.
 *
 * <p>Without a rule file every known user reads every lake table as it is (the statement guard
 * still applies), and may write any table ({@link #mayWrite}). With one, a table is readable when the first rule matching the user and the
 * table grants {@code read}; no match means no access. A user the user directory no longer knows
 * reads nothing.
 *
 * <p>A compilation is cached per user and thrown away when the rules in force, the set of served
 * tables, or the user's roles (as the user directory says now) change; {@link UserAccess#generation()} tells the session layer that
 * what it holds is stale. A table whose restriction no longer fits it (a rule names a column the
 * table lost) is left out for that user and logged: the failure closes access, never opens it.
 *
 * <p>Thread-safe.
 */
public final class AccessControl {
    private static final Logger log = LoggerFactory.getLogger(AccessControl.class);

    private final QueryEngine engine;
    private final PolicyViews views;
    private final Supplier<Optional<AccessRules>> rules;
    private final Supplier<Set<String>> servedTables;
    private final Function<String, Optional<Set<String>>> userRoles;
    private final Map<String, UserAccess> compiled = new ConcurrentHashMap<>();
    // Users whose rules fingerprint is known, for the rules instance it was computed from.
    private final Map<AuthenticatedUser, Fingerprint> fingerprints = new ConcurrentHashMap<>();

    // Guarded by this: what the cache was compiled from.
    private Optional<AccessRules> compiledRules = Optional.empty();
    private Set<String> compiledTables = Set.of();
    private long generation;

    /**
     * @param rules the rules in force, or empty when no rule file is configured
     * @param servedTables {@code schema.table} names of the lake tables currently served
     * @param userRoles a user's roles, or empty when the user no longer exists
     */
    public AccessControl(QueryEngine engine, Supplier<Optional<AccessRules>> rules, Supplier<Set<String>> servedTables,
            Function<String, Optional<Set<String>>> userRoles) {
        this.engine = requireNonNull(engine, "engine is null");
        this.views = new PolicyViews(engine);
        this.rules = requireNonNull(rules, "rules is null");
        this.servedTables = requireNonNull(servedTables, "servedTables is null");
        this.userRoles = requireNonNull(userRoles, "userRoles is null");
    }

    /**
     * A digest of the rules that apply to {@code user}, in order, without their line numbers: it
     * changes when a change of the rule file may change what the user may read, and not otherwise.
     * Empty text without a rule file.
     */
    public String rulesFingerprint(AuthenticatedUser user) {
        Optional<AccessRules> rulesNow = rules.get();
        if (rulesNow.isEmpty()) {
            return "";
        }
        Fingerprint known = fingerprints.get(user);
        if (known != null && known.rules() == rulesNow.get()) {
            return known.value();
        }
        StringBuilder applying = new StringBuilder();
        for (AccessRule rule : rulesNow.get().rules()) {
            if (rule.appliesTo(user)) {
                applying.append(rule.tables().stream().map(TablePattern::text).toList())
                        .append(rule.privileges())
                        .append(rule.rowFilter().map(SourceText::text).orElse(""));
                rule.columns().forEach((column, columnRule) -> applying.append(column).append('=').append(
                        columnRule instanceof ColumnRule.Mask mask ? mask.expression().text() : "hidden"));
                applying.append('\n');
            }
        }
        String value = PolicyViews.hash(applying.toString());
        fingerprints.put(user, new Fingerprint(rulesNow.get(), value));
        return value;
    }

    /** A user's rules fingerprint, and the rules it was computed from. */
    private record Fingerprint(AccessRules rules, String value) {}

    /**
     * What decides a user's access apart from the lake: their roles and the rules that apply to
     * them ({@link #rulesFingerprint}); "gone" once the user no longer exists.
     */
    private String accessKey(String user, Optional<Set<String>> roles) {
        return roles.map(held -> new java.util.TreeSet<>(held) + "|" + rulesFingerprint(new AuthenticatedUser(user, held)))
                .orElse("gone");
    }

    /** The catalog of the views that enforce the rules, which users never name. */
    public String accessCatalog() {
        return engine.accessCatalog();
    }

    /** The name of the lake catalog users read. */
    public String lakeCatalog() {
        return engine.catalog();
    }

    /** What {@code user} may read now. */
    public UserAccess accessFor(String user) {
        requireNonNull(user, "user is null");
        long current = currentGeneration();
        Optional<Set<String>> roles = userRoles.apply(user);
        UserAccess access = compiled.get(user);
        if (access != null && access.generation() == current && access.roles().equals(roles)) {
            return access;
        }
        UserAccess fresh = compile(user, roles, current);
        compiled.put(user, fresh);
        return fresh;
    }

    /**
     * Whether {@code user} may write (ingest into) {@code schema.table}: with a rule file, when the
     * first rule matching the user and the table grants {@code write}; without one, every user the
     * user directory knows may. The table need not exist yet.
     */
    public boolean mayWrite(String user, String schema, String table) {
        requireNonNull(user, "user is null");
        Optional<Set<String>> roles = userRoles.apply(user);
        if (roles.isEmpty()) {
            return false;
        }
        Optional<AccessRules> rulesNow = rules.get();
        return rulesNow.isEmpty() || rulesNow.get().grant(new AuthenticatedUser(user, roles.get()), schema, table)
                .filter(grant -> grant.allows(Privilege.WRITE))
                .isPresent();
    }

    /** The current generation, starting a new one when the rules or the served tables changed. */
    public synchronized long currentGeneration() {
        Optional<AccessRules> rulesNow = rules.get();
        Set<String> tablesNow = servedTables.get();
        if (generation == 0 || !sameRules(rulesNow) || !tablesNow.equals(compiledTables)) {
            compiledRules = rulesNow;
            compiledTables = Set.copyOf(tablesNow);
            generation++;
            compiled.clear();
        }
        return generation;
    }

    private boolean sameRules(Optional<AccessRules> rulesNow) {
        return rulesNow.isPresent() == compiledRules.isPresent()
                && (rulesNow.isEmpty() || rulesNow.get() == compiledRules.get());
    }

    private UserAccess compile(String user, Optional<Set<String>> roles, long forGeneration) {
        Optional<AccessRules> rulesInForce;
        Set<String> tables;
        synchronized (this) {
            rulesInForce = compiledRules;
            tables = compiledTables;
        }
        Map<String, Optional<ViewName>> readable = new HashMap<>();
        Set<String> hidden = new HashSet<>();
        if (roles.isPresent()) {
            AuthenticatedUser identity = new AuthenticatedUser(user, roles.get());
            for (String qualified : tables) {
                int dot = qualified.indexOf('.');
                String schema = qualified.substring(0, dot);
                String table = qualified.substring(dot + 1);
                Optional<TableRestriction> restriction = rulesInForce.isEmpty()
                        ? Optional.of(new TableRestriction(Optional.empty(), Set.of(), Map.of()))
                        : rulesInForce.get().grant(identity, schema, table)
                                .filter(grant -> grant.allows(Privilege.READ))
                                .map(AccessControl::restriction);
                if (restriction.isEmpty()) {
                    continue;
                }
                String key = qualified.toLowerCase(Locale.ROOT);
                if (restriction.get().isNone()) {
                    readable.put(key, Optional.empty());
                    continue;
                }
                try {
                    ViewName view = views.restrictedView(schema, table, restriction.get());
                    views.check(view);
                    readable.put(key, Optional.of(view));
                    restriction.get().hiddenColumns().forEach(column -> hidden.add(key + "." + column));
                } catch (SQLException e) {
                    log.error("access rules: table {} is not readable for user {}: its restriction does not apply: {}",
                            qualified, user, e.getMessage());
                }
            }
        }
        Map<String, ViewName> listings;
        try {
            listings = views.listingViews(readable.keySet(), hidden);
        } catch (SQLException e) {
            log.error("access rules: cannot create the listing views for user {}: {}", user, e.getMessage());
            listings = Map.of();
        }
        return new UserAccess(user, roles, accessKey(user, roles), forGeneration, engine.catalog(), readable, hidden,
                listings);
    }

    static TableRestriction restriction(TableGrant grant) {
        Set<String> hidden = new HashSet<>();
        Map<String, String> masks = new HashMap<>();
        for (Map.Entry<String, ColumnRule> column : grant.columns().entrySet()) {
            String name = column.getKey().toLowerCase(Locale.ROOT);
            if (column.getValue() instanceof ColumnRule.Hidden) {
                hidden.add(name);
            } else if (column.getValue() instanceof ColumnRule.Mask mask) {
                masks.put(name, mask.expression().text());
            }
        }
        return new TableRestriction(grant.rowFilter(), hidden, masks);
    }
}
