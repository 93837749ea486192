package dev.pondhouse.security.rules;

import static java.util.Objects.requireNonNull;

import dev.pondhouse.security.rules.LineNumberedYaml.Entry;
import dev.pondhouse.security.rules.LineNumberedYaml.Mapping;
import dev.pondhouse.security.rules.LineNumberedYaml.Node;
import dev.pondhouse.security.rules.LineNumberedYaml.Scalar;
import dev.pondhouse.security.rules.LineNumberedYaml.ScalarKind;
import dev.pondhouse.security.rules.LineNumberedYaml.Sequence;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the access rule file: one YAML file, a list of rules, the first matching rule wins, and no match
 * means no access. Modelled on Trino's file-based table rules.
 *
 * <pre>
 * rules:
 *   - users: [alice, bob]                 # optional: user names (exact), or "*"
 *     roles: [analyst]                    # optional: role names (exact), from the users file
 *     tables: ["tpch.*", "sales.orders"]  # required: schema.table patterns; * matches within a part
 *     privileges: [read]                  # required: read, write, admin; [] denies
 *     row-filter: "o_clerk &lt;&gt; ${user}"    # optional: SQL boolean expression
 *     columns:                            # optional
 *       o_comment: { hidden: true }
 *       o_totalprice: { mask: "round(o_totalprice, -3)" }
 *   - tables: ["*.*"]
 *     privileges: []                      # a deny rule: nobody else gets anything
 * </pre>
 *
 * <ul>
 *   <li>A rule applies to a user when it names neither users nor roles, or names the user, {@code "*"},
 *       or one of the user's roles (users and roles are alternatives, not both required).
 *   <li>For a user and a table, the first rule that applies to the user and whose {@code tables} match the
 *       table decides, with its privileges, row filter and columns; later rules are not consulted for that
 *       table. A deciding rule with {@code privileges: []} denies.
 *   <li>Table patterns are {@code schema.table}, each part letters, digits, {@code _} and {@code *}, matched
 *       ignoring case. A pattern that starts with {@code *} must be quoted (YAML reads {@code *x} as an alias).
 *   <li>{@code ${user}} in a row filter or mask becomes the user's name as a quoted SQL string
 *       ({@code 'o''brien'}); it is the only placeholder.
 *   <li>Each column is either {@code { hidden: true }} or {@code { mask: "expression" }}; column names are
 *       matched ignoring case.
 * </ul>
 *
 * <p>Strict: an unknown key, a value of the wrong type, an empty list (other than {@code privileges}), an
 * empty text, a bad pattern, an unknown privilege or placeholder, a name listed twice, a column both hidden
 * and masked, and a key given twice are errors that name the line. Problems in different rules are all
 * reported; within one rule, the first. Whether tables, columns and expressions make sense is checked by the
 * server against its catalog ({@link RuleValidator}); every part of a rule carries its line for that.
 */
public final class AccessRuleFile {
    static final String RULES = "rules";
    static final String USERS = "users";
    static final String ROLES = "roles";
    static final String TABLES = "tables";
    static final String PRIVILEGES = "privileges";
    static final String ROW_FILTER = "row-filter";
    static final String COLUMNS = "columns";
    static final String HIDDEN = "hidden";
    static final String MASK = "mask";

    private static final List<String> RULE_KEYS = List.of(USERS, ROLES, TABLES, PRIVILEGES, ROW_FILTER, COLUMNS);
    private static final List<String> COLUMN_KEYS = List.of(HIDDEN, MASK);
    private static final Pattern NAME = Pattern.compile("\\S+");

    private final String source;

    private AccessRuleFile(String source) {
        this.source = source;
    }

    /**
     * Reads rules from {@code yamlText}.
     *
     * @param sourceName names the text in messages, normally the file's path
     * @throws RuleFileException naming the line of each problem
     */
    public static AccessRules parse(String yamlText, String sourceName) throws RuleFileException {
        requireNonNull(yamlText, "yamlText is null");
        requireNonNull(sourceName, "sourceName is null");
        return new AccessRuleFile(sourceName).read(LineNumberedYaml.read(yamlText, sourceName));
    }

    /**
     * Reads rules from {@code file} (UTF-8); messages name it as given.
     *
     * @throws IOException if the file cannot be read (a {@link java.nio.charset.CharacterCodingException}
     *     when it is not UTF-8)
     * @throws RuleFileException naming the line of each problem
     */
    public static AccessRules read(Path file) throws RuleFileException, IOException {
        requireNonNull(file, "file is null");
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    private AccessRules read(Node root) throws RuleFileException {
        if (!(root instanceof Mapping mapping)) {
            if (root instanceof Scalar scalar && scalar.kind() == ScalarKind.NULL) {
                throw new RuleFileException(source, root.line(), "the file is empty; it needs a '" + RULES
                        + ":' list (write 'rules: []' to grant nothing)");
            }
            throw new RuleFileException(source, root.line(), "expected a mapping with the key '" + RULES + "', found "
                    + root.description());
        }
        List<RuleProblem> problems = new ArrayList<>();
        List<AccessRule> rules = new ArrayList<>();
        try {
            Map<String, Entry> entries = entries(mapping, List.of(RULES), "the file");
            Entry rulesEntry = entries.get(RULES);
            if (rulesEntry == null) {
                throw new RuleProblemException(mapping.line(), "no '" + RULES + ":' list (write 'rules: []' to grant nothing)");
            }
            if (!(rulesEntry.value() instanceof Sequence sequence)) {
                throw wrongType(rulesEntry.key(), rulesEntry.value(), "a list of rules");
            }
            for (Node item : sequence.items()) {
                try {
                    rules.add(rule(item));
                } catch (RuleProblemException problem) {
                    problems.add(problem.problem);
                }
            }
        } catch (RuleProblemException problem) {
            problems.add(problem.problem);
        }
        if (!problems.isEmpty()) {
            throw new RuleFileException(source, problems);
        }
        return new AccessRules(rules, source);
    }

    private static AccessRule rule(Node item) throws RuleProblemException {
        if (!(item instanceof Mapping mapping)) {
            throw new RuleProblemException(item.line(), "a rule must be a mapping with keys such as " + TABLES + " and "
                    + PRIVILEGES + ", found " + item.description());
        }
        Map<String, Entry> entries = entries(mapping, RULE_KEYS, "a rule");
        List<String> users = names(entries.get(USERS), true);
        List<String> roles = names(entries.get(ROLES), false);
        Entry tablesEntry = require(entries, TABLES, mapping, "a list of schema.table patterns, like [\"tpch.*\"]");
        List<TablePattern> tables = tables(tablesEntry);
        Entry privilegesEntry = require(entries, PRIVILEGES, mapping, "a list such as [read], or [] to deny");
        Set<Privilege> privileges = privileges(privilegesEntry);
        Optional<SourceText> rowFilter = entries.containsKey(ROW_FILTER)
                ? Optional.of(expression(entries.get(ROW_FILTER)))
                : Optional.empty();
        Map<String, ColumnRule> columns = entries.containsKey(COLUMNS) ? columns(entries.get(COLUMNS)) : Map.of();
        if (privileges.isEmpty() && (rowFilter.isPresent() || !columns.isEmpty())) {
            Entry extra = rowFilter.isPresent() ? entries.get(ROW_FILTER) : entries.get(COLUMNS);
            throw new RuleProblemException(extra.line(), "a deny rule (" + PRIVILEGES + ": []) cannot have '"
                    + extra.key() + "'; it grants nothing to filter or mask");
        }
        return new AccessRule(mapping.line(), users, roles, tables, privileges, rowFilter, columns);
    }

    /** The entries of {@code mapping} by key, after checking every key is one of {@code allowed}. */
    private static Map<String, Entry> entries(Mapping mapping, List<String> allowed, String what) throws RuleProblemException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Entry entry : mapping.entries()) {
            if (!allowed.contains(entry.key())) {
                throw new RuleProblemException(entry.line(), "unknown key '" + entry.key() + "' in " + what
                        + " (expected " + (allowed.size() == 1 ? "only: " : "one of: ") + String.join(", ", allowed) + ")");
            }
            entries.put(entry.key(), entry);
        }
        return entries;
    }

    private static Entry require(Map<String, Entry> entries, String key, Mapping rule, String expected)
            throws RuleProblemException {
        Entry entry = entries.get(key);
        if (entry == null) {
            throw new RuleProblemException(rule.line(), "the rule has no '" + key + "'; add " + key + ": " + expected);
        }
        return entry;
    }

    /** User or role names; empty when the key is absent. */
    private static List<String> names(Entry entry, boolean everyUserAllowed) throws RuleProblemException {
        if (entry == null) {
            return List.of();
        }
        String kind = entry.key().equals(USERS) ? "user" : "role";
        List<Scalar> texts = texts(entry, "a list of " + kind + " names");
        if (texts.isEmpty()) {
            throw new RuleProblemException(entry.line(), "'" + entry.key() + "' is an empty list; leave the key out "
                    + "(a rule with neither users nor roles applies to every user)");
        }
        List<String> names = new ArrayList<>();
        for (Scalar text : texts) {
            String name = text.text();
            if (!NAME.matcher(name).matches()) {
                throw new RuleProblemException(text.line(), "'" + name + "' is not a " + kind
                        + " name (it must not be empty or hold spaces)");
            }
            if (!everyUserAllowed && name.equals(AccessRule.EVERY_USER)) {
                throw new RuleProblemException(text.line(), "'*' is not a role; to apply a rule to every user, "
                        + "write users: [\"*\"] or leave out both users and roles");
            }
            if (names.contains(name)) {
                throw new RuleProblemException(text.line(), kind + " '" + name + "' is listed twice");
            }
            names.add(name);
        }
        return names;
    }

    private static List<TablePattern> tables(Entry entry) throws RuleProblemException {
        List<Scalar> texts = texts(entry, "a list of schema.table patterns");
        if (texts.isEmpty()) {
            throw new RuleProblemException(entry.line(), "'" + TABLES + "' is an empty list; name at least one "
                    + "schema.table pattern, like \"tpch.*\"");
        }
        List<TablePattern> tables = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Scalar text : texts) {
            TablePattern pattern;
            try {
                pattern = TablePattern.parse(text.text(), text.line());
            } catch (IllegalArgumentException badPattern) {
                throw new RuleProblemException(text.line(), badPattern.getMessage());
            }
            if (seen.putIfAbsent(pattern.text().toLowerCase(Locale.ROOT), text.line()) != null) {
                throw new RuleProblemException(text.line(), "table pattern '" + text.text() + "' is listed twice");
            }
            tables.add(pattern);
        }
        return tables;
    }

    private static Set<Privilege> privileges(Entry entry) throws RuleProblemException {
        Set<Privilege> privileges = EnumSet.noneOf(Privilege.class);
        for (Scalar text : texts(entry, "a list such as [read], or [] to deny")) {
            Privilege privilege = Privilege.fromFileName(text.text())
                    .orElseThrow(() -> new RuleProblemException(text.line(), "unknown privilege '" + text.text()
                            + "' (expected one of: " + Privilege.fileNames() + ")"));
            if (!privileges.add(privilege)) {
                throw new RuleProblemException(text.line(), "privilege '" + text.text() + "' is listed twice");
            }
        }
        return privileges;
    }

    private static Map<String, ColumnRule> columns(Entry entry) throws RuleProblemException {
        if (!(entry.value() instanceof Mapping mapping)) {
            throw wrongType(entry.key(), entry.value(), "a mapping of column names to { hidden: true } or { mask: ... }");
        }
        if (mapping.entries().isEmpty()) {
            throw new RuleProblemException(entry.line(), "'" + COLUMNS + "' is empty; leave the key out");
        }
        Map<String, ColumnRule> columns = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        for (Entry column : mapping.entries()) {
            String name = column.key();
            if (name.isBlank()) {
                throw new RuleProblemException(column.line(), "a column name is empty");
            }
            Integer earlier = lines.putIfAbsent(name.toLowerCase(Locale.ROOT), column.line());
            if (earlier != null) {
                throw new RuleProblemException(column.line(), "column '" + name + "' is already named on line " + earlier
                        + " (column names ignore case)");
            }
            columns.put(name, columnRule(column));
        }
        return columns;
    }

    private static ColumnRule columnRule(Entry column) throws RuleProblemException {
        String name = column.key();
        if (!(column.value() instanceof Mapping mapping)) {
            throw new RuleProblemException(column.value().line(), "column '" + name
                    + "' must be { hidden: true } or { mask: \"expression\" }, found " + column.value().description());
        }
        Map<String, Entry> entries = entries(mapping, COLUMN_KEYS, "column '" + name + "'");
        Entry hidden = entries.get(HIDDEN);
        Entry mask = entries.get(MASK);
        if (hidden != null && mask != null) {
            throw new RuleProblemException(column.line(), "column '" + name + "' cannot be both hidden and masked; "
                    + "keep one of them");
        }
        if (hidden != null) {
            if (!(hidden.value() instanceof Scalar scalar) || scalar.kind() != ScalarKind.BOOLEAN) {
                throw wrongType(HIDDEN, hidden.value(), "true");
            }
            if (!Boolean.parseBoolean(scalar.text().toLowerCase(Locale.ROOT))) {
                throw new RuleProblemException(hidden.line(), "column '" + name + "': 'hidden: " + scalar.text()
                        + "' does nothing; columns a rule does not name are shown, so remove the entry");
            }
            return new ColumnRule.Hidden(column.line());
        }
        if (mask != null) {
            return new ColumnRule.Mask(expression(mask), column.line());
        }
        throw new RuleProblemException(column.line(), "column '" + name
                + "' needs hidden: true or mask: \"expression\"");
    }

    private static SourceText expression(Entry entry) throws RuleProblemException {
        if (!(entry.value() instanceof Scalar scalar) || scalar.kind() != ScalarKind.TEXT) {
            throw wrongType(entry.key(), entry.value(), "a SQL expression in quotes");
        }
        if (scalar.text().isBlank()) {
            throw new RuleProblemException(scalar.line(), "'" + entry.key() + "' is empty; write a SQL expression");
        }
        Optional<String> placeholderProblem = UserPlaceholder.problem(scalar.text());
        if (placeholderProblem.isPresent()) {
            throw new RuleProblemException(scalar.line(), "'" + entry.key() + "': " + placeholderProblem.get());
        }
        return new SourceText(scalar.text(), scalar.line());
    }

    /** The items of a list of texts. */
    private static List<Scalar> texts(Entry entry, String expected) throws RuleProblemException {
        if (!(entry.value() instanceof Sequence sequence)) {
            if (entry.value() instanceof Scalar scalar && scalar.kind() == ScalarKind.TEXT) {
                throw new RuleProblemException(scalar.line(), "'" + entry.key() + "' must be a list, even of one: "
                        + entry.key() + ": [" + quoteIfNeeded(scalar.text()) + "]");
            }
            throw wrongType(entry.key(), entry.value(), expected);
        }
        List<Scalar> texts = new ArrayList<>();
        for (Node item : sequence.items()) {
            if (!(item instanceof Scalar scalar) || scalar.kind() != ScalarKind.TEXT) {
                String hint = item instanceof Scalar scalar && scalar.kind() != ScalarKind.NULL
                        ? "; put it in quotes if it is meant as a name"
                        : "";
                throw new RuleProblemException(item.line(), "'" + entry.key() + "' must hold texts, found "
                        + item.description() + hint);
            }
            texts.add(scalar);
        }
        return texts;
    }

    private static RuleProblemException wrongType(String key, Node value, String expected) {
        return new RuleProblemException(value.line(), "'" + key + "' must be " + expected + ", found " + value.description());
    }

    private static String quoteIfNeeded(String text) {
        return text.startsWith("*") ? '"' + text + '"' : text;
    }

    /** One problem, thrown inside a rule and collected per rule. */
    private static final class RuleProblemException extends Exception {
        private static final long serialVersionUID = 1L;

        private final transient RuleProblem problem;

        RuleProblemException(int line, String message) {
            super(message, null, false, false);
            this.problem = new RuleProblem(line, message);
        }
    }
}
