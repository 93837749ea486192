package dev.pondhouse.security.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pondhouse.security.AuthenticatedUser;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessRulesTest {
    private static final AuthenticatedUser ALICE = new AuthenticatedUser("alice", Set.of());
    private static final AuthenticatedUser BOB = new AuthenticatedUser("bob", Set.of("analyst"));
    private static final AuthenticatedUser CAROL = new AuthenticatedUser("carol", Set.of("analyst", "contractor"));
    private static final AuthenticatedUser DAVE = new AuthenticatedUser("dave", Set.of());
    private static final AuthenticatedUser OBRIEN = new AuthenticatedUser("o'brien", Set.of("analyst"));

    private static final AccessRules RULES = parse("""
            rules:
              - roles: [contractor]            # line 2: contractors see nothing of sales
                tables: ["sales.*"]
                privileges: []
              - users: [alice]                 # line 5
                roles: [analyst]
                tables: [sales.orders]
                privileges: [read]
                row-filter: "o_clerk <> ${user} or ${user} = 'alice'"
                columns:
                  o_comment: { hidden: true }
                  o_totalprice: { mask: "case when ${user} = 'alice' then o_totalprice end" }
              - users: [alice]                 # line 13: never reached for sales.orders
                tables: ["sales.orders", "tpch.*"]
                privileges: [read, write, admin]
              - users: ["*"]                   # line 16
                tables: ["tpch.*"]
                privileges: [read]
              - tables: ["*.*_staging", "*.tmp*x"]   # line 19: everyone, patterns with * inside parts
                privileges: [write]
            """);

    @Test
    void firstMatchingRuleDecidesAndLaterRulesAreNotConsulted() {
        TableGrant alicesOrders = RULES.grant(ALICE, "sales", "orders").orElseThrow();

        assertThat(alicesOrders.rule().line()).isEqualTo(5);
        assertThat(alicesOrders.privileges()).containsExactly(Privilege.READ);
        assertThat(alicesOrders.allows(Privilege.READ)).isTrue();
        // Rule 13 would grant write to alice, but rule 5 matched first.
        assertThat(alicesOrders.allows(Privilege.WRITE)).isFalse();
        assertThat(alicesOrders.allows(Privilege.ADMIN)).isFalse();

        TableGrant alicesLineitem = RULES.grant(ALICE, "tpch", "lineitem").orElseThrow();
        assertThat(alicesLineitem.rule().line()).isEqualTo(13);
        assertThat(alicesLineitem.privileges()).containsExactlyInAnyOrder(Privilege.READ, Privilege.WRITE, Privilege.ADMIN);
        assertThat(alicesLineitem.rowFilter()).isEmpty();
        assertThat(alicesLineitem.columns()).isEmpty();
    }

    @Test
    void explicitDenyBlocksLaterGrants() {
        // Carol is an analyst (rule 5 would grant read), but rule 2 denies contractors first.
        assertThat(RULES.grant(CAROL, "sales", "orders")).isEmpty();
        assertThat(RULES.decidingRule(CAROL, "sales", "orders")).map(AccessRule::line).contains(2);
        // The deny only covers sales.*.
        assertThat(RULES.grant(CAROL, "tpch", "orders")).map(grant -> grant.rule().line()).contains(16);
    }

    @Test
    void noMatchingRuleMeansNoAccess() {
        assertThat(RULES.grant(DAVE, "sales", "orders")).isEmpty();
        assertThat(RULES.decidingRule(DAVE, "sales", "orders")).isEmpty();
        assertThat(RULES.grant(DAVE, "hr", "salaries")).isEmpty();
        assertThat(new AccessRules(java.util.List.of(), "empty").grant(ALICE, "tpch", "orders")).isEmpty();
    }

    @Test
    void rolesAndUsersAreAlternatives() {
        // Rule 5 names alice and the analyst role: bob gets it through his role, alice by name.
        assertThat(RULES.grant(BOB, "sales", "orders")).map(grant -> grant.rule().line()).contains(5);
        assertThat(RULES.grant(ALICE, "sales", "orders")).map(grant -> grant.rule().line()).contains(5);
        assertThat(RULES.grant(DAVE, "sales", "orders")).isEmpty();
    }

    @Test
    void userNamesAndRolesAreExact() {
        AuthenticatedUser upperAlice = new AuthenticatedUser("Alice", Set.of("Analyst"));

        assertThat(RULES.grant(upperAlice, "sales", "orders")).isEmpty();
        assertThat(RULES.grant(upperAlice, "tpch", "orders")).map(grant -> grant.rule().line()).contains(16);
    }

    @Test
    void tableNamesIgnoreCase() {
        assertThat(RULES.grant(ALICE, "SALES", "Orders")).map(grant -> grant.rule().line()).contains(5);
        assertThat(RULES.grant(DAVE, "TPCH", "LINEITEM")).map(grant -> grant.rule().line()).contains(16);
    }

    @Test
    void starsMatchAnyRunWithinOnePart() {
        assertThat(RULES.grant(DAVE, "raw", "orders_staging")).map(grant -> grant.rule().line()).contains(19);
        assertThat(RULES.grant(DAVE, "raw", "_staging")).map(grant -> grant.rule().line()).contains(19);
        assertThat(RULES.grant(DAVE, "raw", "tmpx")).map(grant -> grant.rule().line()).contains(19);
        assertThat(RULES.grant(DAVE, "raw", "tmp_a_x")).map(grant -> grant.rule().line()).contains(19);
        assertThat(RULES.grant(DAVE, "raw", "orders_staging2")).isEmpty();
        assertThat(RULES.grant(DAVE, "raw", "tmp_a_y")).isEmpty();
        assertThat(RULES.grant(DAVE, "raw", "xtmpx")).isEmpty();
        // A star never crosses the dot: "tpch.*" does not match a schema called "tpch_old".
        assertThat(RULES.grant(DAVE, "tpch_old", "orders")).isEmpty();
    }

    @Test
    void tablePatternMatching() {
        assertThat(new TablePattern("*", "*", 1).matches("a", "b")).isTrue();
        assertThat(new TablePattern("t*h", "o*s", 1).matches("tpch", "orders")).isTrue();
        assertThat(new TablePattern("t*h", "o*s", 1).matches("tpc", "orders")).isFalse();
        assertThat(new TablePattern("a*a", "b", 1).matches("a", "b")).isFalse();
        assertThat(new TablePattern("a*a", "b", 1).matches("aa", "b")).isTrue();
        assertThat(new TablePattern("**", "x*y*z", 1).matches("", "xyz")).isTrue();
        assertThat(new TablePattern("tpch", "orders", 1).matches("tpch", "orders2")).isFalse();
        assertThat(new TablePattern("tpch", "orders", 1).text()).isEqualTo("tpch.orders");
    }

    @Test
    void userPlaceholderBecomesAnEscapedLiteral() {
        TableGrant grant = RULES.grant(OBRIEN, "sales", "orders").orElseThrow();

        assertThat(grant.rowFilter()).contains("o_clerk <> 'o''brien' or 'o''brien' = 'alice'");
        assertThat(grant.columns()).containsExactly(
                Map.entry("o_comment", new ColumnRule.Hidden(11)),
                Map.entry("o_totalprice", new ColumnRule.Mask(
                        new SourceText("case when 'o''brien' = 'alice' then o_totalprice end", 12), 12)));
        // The rule itself keeps the text as written.
        assertThat(grant.rule().rowFilter()).map(SourceText::text).contains("o_clerk <> ${user} or ${user} = 'alice'");
    }

    @Test
    void placeholderExpansionQuotesEveryQuote() {
        assertThat(UserPlaceholder.expand("owner = ${user}", "a''b'")).isEqualTo("owner = 'a''''b'''");
        assertThat(UserPlaceholder.expand("${user}${user}", "x")).isEqualTo("'x''x'");
        assertThat(UserPlaceholder.expand("no placeholder", "x")).isEqualTo("no placeholder");
        assertThat(UserPlaceholder.problem("$1 = ${user} and a = '$' and b = $$x$$")).isEmpty();
    }

    private static AccessRules parse(String yaml) {
        try {
            return AccessRuleFile.parse(yaml, "rules.yaml");
        } catch (RuleFileException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
