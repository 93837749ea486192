package dev.pondhouse.security.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessRuleFileTest {

    @Test
    void readsEveryPartOfARuleWithItsLine() throws RuleFileException {
        AccessRules rules = AccessRuleFile.parse("""
                # sales analysts
                rules:
                  - users: [alice, "o'brien"]
                    roles: [analyst]
                    tables: ["tpch.*", Sales.Orders]
                    privileges: [read, write]
                    row-filter: "o_custkey % 10 = 3 and o_clerk <> ${user}"
                    columns:
                      O_Comment: { hidden: true }
                      o_totalprice:
                        mask: "round(o_totalprice, -3)"
                  - tables: ["*.*"]
                    privileges: []
                """, "rules.yaml");

        assertThat(rules.source()).isEqualTo("rules.yaml");
        assertThat(rules.rules()).hasSize(2);
        AccessRule first = rules.rules().get(0);
        assertThat(first.line()).isEqualTo(3);
        assertThat(first.users()).containsExactly("alice", "o'brien");
        assertThat(first.roles()).containsExactly("analyst");
        assertThat(first.tables()).containsExactly(new TablePattern("tpch", "*", 5), new TablePattern("Sales", "Orders", 5));
        assertThat(first.privileges()).containsExactlyInAnyOrder(Privilege.READ, Privilege.WRITE);
        assertThat(first.rowFilter()).contains(new SourceText("o_custkey % 10 = 3 and o_clerk <> ${user}", 7));
        assertThat(first.columns()).containsExactly(
                entry("o_comment", new ColumnRule.Hidden(9)),
                entry("o_totalprice", new ColumnRule.Mask(new SourceText("round(o_totalprice, -3)", 11), 10)));
        AccessRule second = rules.rules().get(1);
        assertThat(second.line()).isEqualTo(12);
        assertThat(second.users()).isEmpty();
        assertThat(second.roles()).isEmpty();
        assertThat(second.denies()).isTrue();
        assertThat(second.rowFilter()).isEmpty();
        assertThat(second.columns()).isEmpty();
    }

    @Test
    void exampleInRulesDocumentParses() throws IOException, RuleFileException {
        String document = Files.readString(Path.of("RULES.md"), StandardCharsets.UTF_8);
        int start = document.indexOf("```yaml\n") + "```yaml\n".length();
        String example = document.substring(start, document.indexOf("```", start));

        AccessRules rules = AccessRuleFile.parse(example, "RULES.md");

        assertThat(rules.rules()).extracting(AccessRule::line).containsExactly(3, 8, 18, 23);
    }

    @Test
    void emptyRuleListGrantsNothing() throws RuleFileException {
        assertThat(AccessRuleFile.parse("rules: []\n", "rules.yaml").rules()).isEmpty();
    }

    @Test
    void blockScalarExpressionsKeepTheirLine() throws RuleFileException {
        AccessRules rules = AccessRuleFile.parse("""
                rules:
                  - tables: [tpch.orders]
                    privileges: [read]
                    row-filter: >-
                      o_custkey % 10 = 3
                      and o_clerk <> ${user}
                """, "rules.yaml");

        SourceText filter = rules.rules().get(0).rowFilter().orElseThrow();
        assertThat(filter.text()).isEqualTo("o_custkey % 10 = 3 and o_clerk <> ${user}");
        assertThat(filter.line()).isBetween(4, 5);
    }

    @Test
    void readsAFileAndNamesItInMessages(@TempDir Path folder) throws IOException, RuleFileException {
        Path file = folder.resolve("rules.yaml");
        Files.writeString(file, "rules:\n  - tables: [tpch.orders]\n    privileges: [read]\n", StandardCharsets.UTF_8);
        assertThat(AccessRuleFile.read(file).source()).isEqualTo(file.toString());

        Files.writeString(file, "rules:\n  - tables: [tpch.orders]\n    privileges: [select]\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> AccessRuleFile.read(file))
                .isInstanceOf(RuleFileException.class)
                .hasMessage(file + " line 3: unknown privilege 'select' (expected one of: read, write, admin)");

        assertThatThrownBy(() -> AccessRuleFile.read(folder.resolve("missing.yaml")))
                .isInstanceOf(NoSuchFileException.class);
    }

    // Every error message, with its line.

    @Test
    void unknownRuleKey() {
        assertProblem("""
                rules:
                  - tables: [tpch.orders]
                    privileges: [read]
                    row_filter: "true"
                """, 4, "unknown key 'row_filter' in a rule (expected one of: users, roles, tables, privileges, "
                + "row-filter, columns)");
    }

    @Test
    void unknownTopLevelKey() {
        assertProblem("rules: []\ngrants: []\n", 2, "unknown key 'grants' in the file (expected only: rules)");
    }

    @Test
    void unknownColumnKey() {
        assertProblem("""
                rules:
                  - tables: [tpch.orders]
                    privileges: [read]
                    columns:
                      o_comment: { hide: true }
                """, 5, "unknown key 'hide' in column 'o_comment' (expected one of: hidden, mask)");
    }

    @Test
    void emptyFileAndMissingRules() {
        assertProblem("", 1, "the file is empty; it needs a 'rules:' list (write 'rules: []' to grant nothing)");
        assertProblem("# only a comment\n", 1, "the file is empty; it needs a 'rules:' list (write 'rules: []' to grant nothing)");
        assertProblem("{}\n", 1, "no 'rules:' list (write 'rules: []' to grant nothing)");
        assertProblem("- tables: [a.b]\n", 1, "expected a mapping with the key 'rules', found a list");
        assertProblem("rules:\n", 1, "'rules' must be a list of rules, found nothing");
        assertProblem("rules: {}\n", 1, "'rules' must be a list of rules, found a mapping");
    }

    @Test
    void ruleThatIsNotAMapping() {
        assertProblem("rules:\n  - tpch.orders\n", 2,
                "a rule must be a mapping with keys such as tables and privileges, found a text");
    }

    @Test
    void missingTablesAndPrivileges() {
        assertProblem("rules:\n  - privileges: [read]\n", 2,
                "the rule has no 'tables'; add tables: a list of schema.table patterns, like [\"tpch.*\"]");
        assertProblem("rules:\n  - users: [alice]\n    tables: [tpch.orders]\n", 2,
                "the rule has no 'privileges'; add privileges: a list such as [read], or [] to deny");
    }

    @Test
    void emptyLists() {
        assertProblem("rules:\n  - tables: []\n    privileges: [read]\n", 2,
                "'tables' is an empty list; name at least one schema.table pattern, like \"tpch.*\"");
        assertProblem("rules:\n  - users: []\n    tables: [a.b]\n    privileges: [read]\n", 2,
                "'users' is an empty list; leave the key out (a rule with neither users nor roles applies to every user)");
        assertProblem("rules:\n  - roles: []\n    tables: [a.b]\n    privileges: [read]\n", 2,
                "'roles' is an empty list; leave the key out (a rule with neither users nor roles applies to every user)");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read]\n    columns: {}\n", 4,
                "'columns' is empty; leave the key out");
    }

    @Test
    void wrongTypes() {
        assertProblem("rules:\n  - tables: tpch.orders\n    privileges: [read]\n", 2,
                "'tables' must be a list, even of one: tables: [tpch.orders]");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: read\n", 3,
                "'privileges' must be a list, even of one: privileges: [read]");
        assertProblem("rules:\n  - users: {alice: 1}\n    tables: [a.b]\n    privileges: [read]\n", 2,
                "'users' must be a list of user names, found a mapping");
        assertProblem("rules:\n  - users: [alice,\n      42]\n    tables: [a.b]\n    privileges: [read]\n", 3,
                "'users' must hold texts, found a number; put it in quotes if it is meant as a name");
        assertProblem("rules:\n  - roles: [[analyst]]\n    tables: [a.b]\n    privileges: [read]\n", 2,
                "'roles' must hold texts, found a list");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read]\n    row-filter: 42\n", 4,
                "'row-filter' must be a SQL expression in quotes, found a number");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read]\n    row-filter:\n", 4,
                "'row-filter' must be a SQL expression in quotes, found nothing");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read]\n    row-filter: \" \"\n", 4,
                "'row-filter' is empty; write a SQL expression");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read]\n    columns: [x]\n", 4,
                "'columns' must be a mapping of column names to { hidden: true } or { mask: ... }, found a list");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read]\n    columns:\n      x: hidden\n", 5,
                "column 'x' must be { hidden: true } or { mask: \"expression\" }, found a text");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read]\n    columns:\n      x: { hidden: yes please }\n", 5,
                "'hidden' must be true, found a text");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read]\n    columns:\n      x: { mask: 0 }\n", 5,
                "'mask' must be a SQL expression in quotes, found a number");
    }

    @Test
    void badTablePatterns() {
        assertProblem("rules:\n  - tables: [orders]\n    privileges: [read]\n", 2,
                "table pattern 'orders' must be schema.table with exactly one dot, like \"tpch.orders\", \"tpch.*\" or \"*.*\"");
        assertProblem("rules:\n  - tables: [lake.tpch.orders]\n    privileges: [read]\n", 2,
                "table pattern 'lake.tpch.orders' must be schema.table with exactly one dot, like \"tpch.orders\", "
                        + "\"tpch.*\" or \"*.*\"");
        assertProblem("rules:\n  - tables: [\"tpch.ord-ers\"]\n    privileges: [read]\n", 2,
                "table pattern 'tpch.ord-ers': 'ord-ers' may hold only letters, digits, _ and *");
        assertProblem("rules:\n  - tables: [\"tpch.\"]\n    privileges: [read]\n", 2,
                "table pattern 'tpch.': '' may hold only letters, digits, _ and *");
        assertProblem("rules:\n  - tables: [\"tpch.%\"]\n    privileges: [read]\n", 2,
                "table pattern 'tpch.%': '%' may hold only letters, digits, _ and *");
        assertProblem("rules:\n  - tables: [tpch.orders,\n      TPCH.Orders]\n    privileges: [read]\n", 3,
                "table pattern 'TPCH.Orders' is listed twice");
    }

    @Test
    void unquotedStarIsAYamlAliasAndSaysSo() {
        RuleFileException alias = parseFailure("rules:\n  - tables: [tpch.orders]\n    privileges: [read]\n"
                + "  - tables: [*.*]\n    privileges: []\n");
        assertThat(alias.line()).isEqualTo(4);
        assertThat(alias.getMessage()).startsWith("rules.yaml line 4: not valid YAML: ")
                .endsWith("a pattern or name that starts with * must be in quotes, like \"*.*\"");

        assertProblem("rules:\n  - users: [*everyone]\n    tables: [a.b]\n    privileges: [read]\n", 2,
                "'*everyone' is a YAML alias, which these files do not use; a pattern or name that starts with * must "
                        + "be in quotes, like \"*.*\"");
    }

    @Test
    void badNames() {
        assertProblem("rules:\n  - users: [\"al ice\"]\n    tables: [a.b]\n    privileges: [read]\n", 2,
                "'al ice' is not a user name (it must not be empty or hold spaces)");
        assertProblem("rules:\n  - roles: [\"\"]\n    tables: [a.b]\n    privileges: [read]\n", 2,
                "'' is not a role name (it must not be empty or hold spaces)");
        assertProblem("rules:\n  - roles: [\"*\"]\n    tables: [a.b]\n    privileges: [read]\n", 2,
                "'*' is not a role; to apply a rule to every user, write users: [\"*\"] or leave out both users and roles");
        assertProblem("rules:\n  - users: [alice, bob,\n      alice]\n    tables: [a.b]\n    privileges: [read]\n", 3,
                "user 'alice' is listed twice");
    }

    @Test
    void badPrivileges() {
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read,\n      READ]\n", 4,
                "unknown privilege 'READ' (expected one of: read, write, admin)");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read, read]\n", 3, "privilege 'read' is listed twice");
    }

    @Test
    void badPlaceholders() {
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read]\n    row-filter: \"owner = ${USER}\"\n", 4,
                "'row-filter': unknown placeholder '${USER}'; the only placeholder is ${user}");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read]\n    row-filter: \"owner = ${user\"\n", 4,
                "'row-filter': '${' is not closed; the only placeholder is ${user}");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read]\n    row-filter: \"owner = '${user}'\"\n", 4,
                "'row-filter': write ${user} without quotes around it; it becomes a quoted SQL string itself");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read]\n    columns:\n      x:\n        mask: \"${role}\"\n", 6,
                "'mask': unknown placeholder '${role}'; the only placeholder is ${user}");
    }

    @Test
    void badColumns() {
        assertProblem("""
                rules:
                  - tables: [a.b]
                    privileges: [read]
                    columns:
                      x: { hidden: true, mask: "null" }
                """, 5, "column 'x' cannot be both hidden and masked; keep one of them");
        assertProblem("""
                rules:
                  - tables: [a.b]
                    privileges: [read]
                    columns:
                      x: {}
                """, 5, "column 'x' needs hidden: true or mask: \"expression\"");
        assertProblem("""
                rules:
                  - tables: [a.b]
                    privileges: [read]
                    columns:
                      x:
                        hidden: false
                """, 6, "column 'x': 'hidden: false' does nothing; columns a rule does not name are shown, so remove the entry");
        assertProblem("""
                rules:
                  - tables: [a.b]
                    privileges: [read]
                    columns:
                      o_comment: { hidden: true }
                      O_COMMENT: { mask: "''" }
                """, 6, "column 'O_COMMENT' is already named on line 5 (column names ignore case)");
    }

    @Test
    void denyRuleCannotFilterOrMask() {
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: []\n    row-filter: \"true\"\n", 4,
                "a deny rule (privileges: []) cannot have 'row-filter'; it grants nothing to filter or mask");
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: []\n    columns:\n      x: { hidden: true }\n", 4,
                "a deny rule (privileges: []) cannot have 'columns'; it grants nothing to filter or mask");
    }

    @Test
    void duplicateKeys() {
        assertProblem("rules:\n  - tables: [a.b]\n    privileges: [read]\n    tables: [c.d]\n", 4,
                "key 'tables' appears a second time in the same mapping (first at line 2)");
        assertProblem("rules: []\nrules: []\n", 2, "key 'rules' appears a second time in the same mapping (first at line 1)");
        assertProblem("""
                rules:
                  - tables: [a.b]
                    privileges: [read]
                    columns:
                      x: { hidden: true }
                      x: { mask: "1" }
                """, 6, "key 'x' appears a second time in the same mapping (first at line 5)");
    }

    @Test
    void notYamlAndSecondDocument() {
        RuleFileException notYaml = parseFailure("rules:\n  - tables: [a.b\n    privileges: [read]\n");
        assertThat(notYaml.getMessage()).startsWith("rules.yaml line ").contains(": not valid YAML: ");
        assertThat(notYaml.line()).isBetween(2, 4);

        assertProblem("rules: []\n---\nrules: []\n", 3, "a second YAML document; the file holds exactly one");
    }

    @Test
    void problemsInSeveralRulesAreAllReported() {
        RuleFileException failure = parseFailure("""
                rules:
                  - tables: [tpch.orders]
                    privileges: [select]
                  - tables: [tpch.lineitem]
                    privileges: [read]
                  - tables: [lineitem]
                    privileges: [read]
                """);

        assertThat(failure.problems()).containsExactly(
                new RuleProblem(3, "unknown privilege 'select' (expected one of: read, write, admin)"),
                new RuleProblem(6, "table pattern 'lineitem' must be schema.table with exactly one dot, like "
                        + "\"tpch.orders\", \"tpch.*\" or \"*.*\""));
        assertThat(failure.line()).isEqualTo(3);
        assertThat(failure.getMessage()).isEqualTo("""
                rules.yaml has 2 problems:
                  line 3: unknown privilege 'select' (expected one of: read, write, admin)
                  line 6: table pattern 'lineitem' must be schema.table with exactly one dot, like "tpch.orders", \
                "tpch.*" or "*.*\"""");
    }

    @Test
    void rulesAreImmutable() throws RuleFileException {
        AccessRules rules = AccessRuleFile.parse("""
                rules:
                  - users: [alice]
                    tables: [a.b]
                    privileges: [read]
                    columns:
                      x: { hidden: true }
                """, "rules.yaml");
        AccessRule rule = rules.rules().get(0);

        assertThatThrownBy(() -> rules.rules().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> rule.users().add("mallory")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> rule.privileges().add(Privilege.ADMIN)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> rule.columns().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(rule.tables()).isEqualTo(List.of(new TablePattern("a", "b", 3)));
        assertThat(rule.rowFilter()).isEqualTo(Optional.empty());
        assertThat(rule.privileges()).isEqualTo(Set.of(Privilege.READ));
    }

    private static void assertProblem(String yaml, int line, String message) {
        RuleFileException failure = parseFailure(yaml);
        assertThat(failure.problems()).containsExactly(new RuleProblem(line, message));
        assertThat(failure.line()).isEqualTo(line);
        assertThat(failure.getMessage()).isEqualTo("rules.yaml line " + line + ": " + message);
        assertThat(failure.source()).isEqualTo("rules.yaml");
    }

    private static RuleFileException parseFailure(String yaml) {
        RuleFileException failure = catchThrowableOfType(RuleFileException.class,
                () -> AccessRuleFile.parse(yaml, "rules.yaml"));
        assertThat(failure).as("parsing should fail:\n%s", yaml).isNotNull();
        return failure;
    }

    private static <V> java.util.Map.Entry<String, V> entry(String key, V value) {
        return java.util.Map.entry(key, value);
    }
}
