"""The review report (orgboot review): GitHub-flavoured Markdown read back by a CommonMark parser
with GitHub's tables (markdown-it-py), and its diagrams judged by Mermaid's own parser."""

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from bench.generate import generate
from orgboot.analysis.cis import Status, counts, coverage
from orgboot.analysis.diff import diff
from orgboot.cli.reviewing import spec_review
from orgboot.reports.markdown import MARKER, Refusal, Review, render
from orgboot.reports.mermaid import MAX_EDGES, diagram
from orgboot.rules import load_spec
from orgboot.spec import LocatedProblem
from tests.conftest import EXAMPLE, REPO, example_variant
from tests.support.mermaid import mermaid_errors

WHITEPAPER = REPO / "examples" / "whitepaper" / "org.yaml"
PARSER = MarkdownIt("commonmark").enable("table")


def mermaid_blocks(markdown: str) -> list[str]:
    return [token.content for token in PARSER.parse(markdown) if token.type == "fence" and token.info == "mermaid"]


def tables(markdown: str) -> list[list[list[str]]]:
    """Each table's rows (header first), each row's cells as inline text."""
    found: list[list[list[str]]] = []
    rows: list[list[str]] = []
    row: list[str] | None = None
    for token in PARSER.parse(markdown):
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(token.content)
        elif token.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
        elif token.type == "table_close":
            found.append(rows)
    return found


@pytest.fixture(scope="module")
def example_report() -> str:
    return render(spec_review(EXAMPLE, "org.yaml"))


def test_the_report_starts_with_the_counts(example_report):
    lines = [line for line in example_report.splitlines() if line]
    assert lines[0] == MARKER
    assert lines[1] == "### orgboot review of `org.yaml`"
    assert lines[2] == "✅ valid · 7 OUs · 6 accounts · 3 policies · 9 guardrails"


def test_every_section_but_the_diagram_folds(example_report):
    summaries = re.findall(r"<details><summary><b>(.*?)</b>", example_report)
    assert summaries == ["Accounts", "Policies and guardrails", "Access", "CIS AWS Foundations 5.0"]


def test_the_tables_hold_the_accounts_policies_budgets_and_access(example_report, example_spec):
    accounts, policies, packs, budgets, access, _ = tables(example_report)
    assert [row[0] for row in accounts[1:]] == [f"`{key}`" for key in example_spec.accounts]
    assert accounts[1 + list(example_spec.accounts).index("shop-prod")] == [
        "`shop-prod`",
        "Shop Prod",
        "`Workloads/Prod`",
        "cost-center=1234, environment=prod",
    ]
    assert {row[0] for row in policies[1:]} == {f"`{key}`" for key in [*example_spec.policies, *example_spec.guardrails]}
    assert {row[0] for row in packs[1:]} == {f"`{pack.key}`" for pack in example_spec.guardrail_packs}
    assert ["`Workloads`", "SCP", "4 of 10", "1,973 of 10,240"] in budgets
    assert access[0] == ["group", "role", "accounts", "exempt from", "denied by"]
    # People come in through IAM Identity Center: a group's permission sets where they are assigned.
    developer = ["`Developers` (Identity Center)", "`Developer` (permission set)", "`Sandbox`: Sandbox Alice; `Workloads/Dev`: Shop Dev"]
    assert [*developer, "-", "-"] in access
    assert ["`Developers` (Identity Center)", "`ReadOnly` (permission set)", "`Workloads/Prod`: Shop Prod", "-", "-"] in access
    assert ["`Security` (Identity Center)", "`SecurityAudit` (permission set)", "every member account (6)", "-", "-"] in access
    # The management account: its people through Identity Center, break-glass through the
    # administrator role (CIS 1.15) and the support role.
    assert [row for row in access if "the management account" in row[2]] == [
        ["`BreakGlass`", "`AWSSupport`", "the management account", "-", "-"],
        ["`BreakGlass`", "`ManagementAdmin`", "the management account", "-", "-"],
        ["`Platform` (Identity Center)", "`PlatformAdmin` (permission set)", "the management account", "-", "-"],
        ["`Security` (Identity Center)", "`SecurityAudit` (permission set)", "the management account", "-", "-"],
        ["`Finance` (Identity Center)", "`Billing` (permission set)", "the management account", "-", "-"],
    ]
    # Break-glass stands out, with what it is exempt from, on its own group's row and no other.
    assert [row for row in access if "OrganizationAccountAccessRole" in row[1]] == [
        [
            "`BreakGlass`",
            "`OrganizationAccountAccessRole` **break-glass**",
            "every member account (6)",
            "guardrail `protect-orgboot-roles`",
            "-",
        ]
    ]


def test_the_cis_coverage_counts_in_its_heading_and_says_what_to_set(example_report, example_spec):
    covered = coverage(example_spec)
    found = counts(covered)
    summary = f"{found[Status.MET]} met, {found[Status.NOT_MET]} not met, {found[Status.OUT_OF_SCOPE]} out of scope"
    assert f"<details><summary><b>CIS AWS Foundations 5.0</b> ({summary})</summary>" in example_report
    cis = tables(example_report)[-1]
    assert cis[0] == ["CIS", "recommendation", "status", "how, what to set, or why"]
    assert [row[0] for row in cis[1:]] == [c.recommendation.number for c in covered]
    rows = {row[0]: row for row in cis[1:]}
    assert rows["1.6"][2] == "❌ not met"
    assert "add Root to guardrails.deny-root-user.targets" in rows["1.6"][3]
    assert rows["1.7"][2] == "✅ met"
    assert rows["1.4"][2] == "➖ out of scope"
    assert rows["1.15"][1] == 'Ensure IAM policies that allow full "\\*:\\*" administrative privileges are not attached'


def test_the_cis_coverage_is_informational(example_spec):
    """Recommendations not met fail nothing: the example has some and passes."""
    review = spec_review(EXAMPLE, "org.yaml")
    assert counts(review.cis)[Status.NOT_MET] > 0
    assert review.passes


def test_a_spec_with_findings_has_no_cis_coverage(tmp_path):
    (tmp_path / "org.yaml").write_text("accounts: {a: {name: A, email: nope, ou: Root}}\n")
    review = spec_review(tmp_path / "org.yaml", "org.yaml")
    assert review.findings
    assert not review.cis
    assert "CIS AWS Foundations" not in render(review)


def test_the_example_diagram_is_valid_mermaid_with_every_account(example_report, example_spec):
    (block,) = mermaid_blocks(example_report)
    assert mermaid_errors(block) == []
    for account in example_spec.accounts.values():
        assert f"{account.name} (" in block
    assert "SCP: deny-root-user, region-deny, require-imdsv2" in block


def test_names_that_mean_something_to_mermaid_are_escaped(tmp_path):
    def edit(data):
        data["accounts"]["shop-dev"]["name"] = 'Dev "B&B" <x> #quot; C#'

    spec = example_variant(tmp_path, edit)
    text = diagram(spec)
    assert mermaid_errors(text) == []
    assert "#quot;B#amp;B#quot; #lt;x#gt; #35;quot; C#" in text


def test_a_change_is_drawn_added_moved_and_removed(example_spec, tmp_path):
    def edit(data):
        data["organizational_units"][4] = "Workloads/Sandbox"
        data["accounts"]["sandbox-alice"]["ou"] = "Workloads/Sandbox"
        for assignment in data["identity_center"]["assignments"]:  # Sandbox is gone: Workloads/Sandbox now
            assignment["targets"] = [target for target in assignment["targets"] if target != "Sandbox"]
        data["organizational_units"].remove("Suspended")
        data["guardrails"].pop("quarantine")
        data["accounts"].pop("shop-dev")
        data["released_accounts"] = ["shop-dev"]
        data["accounts"]["shop-qa"] = {"name": "Shop QA", "email": "aws+shop-qa@example.com", "ou": "Workloads/Dev"}

    head = example_variant(tmp_path, edit)
    text = diagram(head, diff(example_spec, head).marks)
    assert mermaid_errors(text) == []
    assert re.search(r'"<b>\+ Shop QA \(shop-qa\)</b>"\]:::added', text)
    assert re.search(r'"<b>→ Sandbox</b>"\):::moved', text)
    assert re.search(r'"<b>− Shop Dev \(shop-dev\)</b>"\]:::removed', text)
    assert re.search(r'"<b>− Suspended</b>"\):::removed', text)


def test_the_whitepaper_organization_is_summarized_per_ou():
    spec = load_spec(WHITEPAPER)
    text = diagram(spec)
    assert mermaid_errors(text) == []
    summaries = [int(n.replace(",", "")) for n in re.findall(r"<b>([\d,]+) accounts", text)]
    drawn = len(re.findall(r"\(([a-z0-9-]+)\)</b>", text))
    assert sum(summaries) + drawn == len(spec.accounts) == 120
    assert len(text.splitlines()) < 100


def test_a_changed_account_is_drawn_beside_its_ous_summary(tmp_path):
    spec = load_spec(WHITEPAPER)
    text = diagram(spec, diff(spec, spec).marks)
    moved = text.count(":::moved")
    assert moved == 0
    assert "33 accounts" in text


@pytest.mark.parametrize("accounts", [5000])
def test_thousands_of_accounts_in_hundreds_of_ous_stay_within_mermaids_limits(accounts, tmp_path):
    spec = load_spec(generate(accounts, tmp_path / "org"))
    text = diagram(spec)
    assert mermaid_errors(text) == []
    assert text.count("-->") <= MAX_EDGES
    assert sum(int(n.replace(",", "")) for n in re.findall(r"<b>([\d,]+) accounts", text)) == accounts


def test_a_spec_that_cannot_be_read_is_reported_as_findings(tmp_path):
    (tmp_path / "org.yaml").write_text("accounts: [\n")
    report = render(spec_review(tmp_path / "org.yaml", "org.yaml"))
    assert "❌ **1 finding**" in report
    assert "#### ❌ Findings" in report
    assert "```mermaid" not in report


def test_a_spec_with_problems_lists_each_with_its_line(tmp_path):
    def edit(data):
        data["accounts"]["shop-dev"]["email"] = "not-an-email"
        data["accounts"]["audit"]["ou"] = "Nowhere"

    with pytest.raises(Exception, match="2 problems"):
        example_variant(tmp_path, edit)
    report = render(spec_review(Path(tmp_path / "org.yaml"), "org.yaml"))
    items = [line for line in report.splitlines() if line.startswith("- `")]
    assert len(items) == 2
    assert any("`accounts.shop-dev.email`" in item for item in items)
    assert any("`accounts.audit.ou`" in item for item in items)


def _counts_line(markdown: str) -> str:
    return [line for line in markdown.splitlines() if line][2]


def _headings(markdown: str) -> list[str]:
    tokens = PARSER.parse(markdown)
    return [tokens[i + 1].content for i, token in enumerate(tokens) if token.type == "heading_open" and token.tag == "h4"]


def test_acknowledged_refusals_are_apart_from_the_refused_ones():
    """An OU move acknowledged in org.yaml is the normal way to make one: it is not under "refused",
    and the counts tell the two apart."""
    moved = LocatedProblem(
        "org.yaml",
        12,
        "organizational_units",
        "OU 'Sandbox' is gone but held account 'sandbox-alice'. Acknowledged in org.yaml (ou-replaced:Sandbox): sandboxes"
        " belong under Workloads (PR 12)",
    )
    by_option = LocatedProblem("org.yaml", 14, "organizational_units", "OU 'Suspended' is gone but held account 'old'.")
    refused = LocatedProblem("org.yaml", 20, "accounts", "account 'shop-dev' (Shop Dev) is no longer declared.")
    review = Review(
        "org.yaml",
        None,
        (),
        refusals=[Refusal(moved, None, True), Refusal(by_option, "allow_ou_replacement", True), Refusal(refused, None, False)],
    )
    report = render(review)
    assert _counts_line(report) == "⛔ **1 refused change** · 🟡 2 refusals acknowledged · ✅ valid"
    assert _headings(report) == ["⛔ Refused changes", "🟡 Acknowledged refusals"]
    refused_part, acknowledged_part = report.split("#### 🟡 Acknowledged refusals")
    assert "shop-dev" in refused_part
    assert "Sandbox" not in refused_part
    assert "Suspended" not in refused_part
    assert "sandboxes belong under Workloads (PR 12)" in acknowledged_part
    assert "(accepted with `--allow-ou-replacement`)" in acknowledged_part
    assert "shop-dev" not in acknowledged_part


def test_only_acknowledged_refusals_show_no_refused_heading():
    moved = LocatedProblem(
        "org.yaml", 12, "organizational_units", "OU 'Sandbox' is gone. Acknowledged in org.yaml (ou-replaced:Sandbox): x"
    )
    report = render(Review("org.yaml", None, (), refusals=[Refusal(moved, None, True)]))
    assert _counts_line(report) == "🟡 1 refusal acknowledged · ✅ valid"
    assert _headings(report) == ["🟡 Acknowledged refusals"]
    assert "⛔" not in report
