"""The terminal's renderings (orgboot/reports/terminal.py) say where AWS's default policies are not
attached, as the organization read back shows it, and count them only where they are."""

from rich.console import Console

from orgboot.analysis.access import Access, Exemption
from orgboot.analysis.budgets import Budget
from orgboot.reports.terminal import access_report, budget_table, organization_tree
from orgboot.state.organization import Node, Organization

SCP, RCP = "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"


def rendered(renderable) -> str:
    console = Console(width=400, record=True, no_color=True)
    console.print(renderable)
    return console.export_text()


def organization(*, detached: bool) -> Organization:
    """Root, an OU, and an account under it; FullAWSAccess detached from the OU and the account (an
    allow-list), as state.organization reads it: Node.policies lists what is attached."""
    full = [] if detached else ["FullAWSAccess"]
    account = Node("210987654321", "Shop Prod", "account", {SCP: [*full, "allow-list"], RCP: ["RCPFullAWSAccess"]}, email="a@x.io")
    prod = Node("ou-ab12-22222222", "Prod", "ou", {SCP: [*full, "allow-list"], RCP: ["RCPFullAWSAccess"]}, [account], path="Prod")
    root = Node("r-ab12", "Root", "root", {SCP: ["FullAWSAccess"], RCP: ["RCPFullAWSAccess"]}, [prod], path="Root")
    return Organization("o-ab12cd34ef", "123456789012", [SCP, RCP], root)


def test_the_tree_says_where_full_aws_access_is_not_attached():
    text = rendered(organization_tree(organization(detached=True)))
    assert "SCP: allow-list  (no FullAWSAccess)" in text
    assert text.count("(no FullAWSAccess)") == 2  # the OU and the account; the root keeps it
    assert (
        "1 OUs, 1 accounts (the management account included). FullAWSAccess is attached everywhere but at Prod, Shop Prod"
        " (marked: no FullAWSAccess); RCPFullAWSAccess is attached everywhere. Where attached, they are not listed." in text
    )
    assert "stay attached everywhere" not in text


def test_the_tree_says_the_default_policies_are_everywhere_when_they_are():
    text = rendered(organization_tree(organization(detached=False)))
    assert "FullAWSAccess, RCPFullAWSAccess stay attached everywhere and are not listed." in text
    assert "no FullAWSAccess" not in text
    assert "SCP: allow-list\n" in text


def test_the_tree_claims_no_default_policy_of_a_type_not_enabled():
    plain = organization(detached=False)
    plain.enabled_policy_types = []
    for node in plain.root.walk():
        node.policies = {}
    text = rendered(organization_tree(plain))
    assert "FullAWSAccess" not in text
    assert "1 OUs, 1 accounts (the management account included).\n" in text


def test_the_budget_table_counts_full_aws_access_only_where_attached():
    text = rendered(
        budget_table([Budget("Prod", SCP, ("allow-list",), 100, default_detached=True), Budget("Workloads", SCP, ("deny",), 100)])
    )
    assert "1/10 (no FullAWSAccess)" in text
    assert "2/10 " in text


def test_a_long_list_of_targets_without_full_aws_access_is_cut_short():
    many = organization(detached=True)
    prod = many.root.children[0]
    prod.children = [Node(f"2109876543{n:02d}", f"Account {n}", "account", {SCP: ["allow-list"]}, email="a@x.io") for n in range(7)]
    text = rendered(organization_tree(many))
    assert "FullAWSAccess is attached everywhere but at Prod, Account 0, Account 1, Account 2, Account 3 and 3 more (marked" in text


def test_a_policy_type_orgboot_does_not_manage_is_shown_after_the_others():
    declarative = organization(detached=False)
    declarative.enabled_policy_types.append("DECLARATIVE_POLICY_EC2")
    declarative.root.policies["DECLARATIVE_POLICY_EC2"] = ["ec2-baseline"]
    text = rendered(organization_tree(declarative))
    assert "  DECLARATIVE_POLICY_EC2: ec2-baseline" in text


def test_the_access_matrix_marks_break_glass_and_says_what_exempts_each_role_where():
    every = ("Audit", "Shop Dev", "Shop Prod")
    matrix = [
        Access("Admins", "Admin", ("Shop Dev", "Shop Prod"), exempt_from=(Exemption("guardrail", "region-deny", ("Shop Prod",)),)),
        Access(
            "Admins",
            "OrganizationAccountAccessRole",
            every,
            break_glass=True,
            exempt_from=(Exemption("guardrail", "protect-orgboot-roles", every), Exemption("guardrail", "quarantine", ("Audit",))),
        ),
        Access("Auditors", "ReadOnly", every),
        Access("Auditors", "ManagementAdmin", (), management=True),
    ]
    lines = [line.rstrip() for line in rendered(access_report(matrix, member_account_count=3)).splitlines()]
    assert [line.split() for line in lines if line.startswith(("Admins", "Auditors"))] == [
        ["Admins", "Admin", "Shop", "Dev,", "Shop", "Prod", "guardrail", "region-deny", "(in", "Shop", "Prod)", "-"],
        [
            "Admins",
            "OrganizationAccountAccessRole",
            "(break-glass)",
            "all",
            "member",
            "accounts",
            "guardrail",
            "protect-orgboot-roles",
            "-",
        ],
        ["Auditors", "ReadOnly", "all", "member", "accounts", "-", "-"],
        ["Auditors", "ManagementAdmin", "the", "management", "account", "-", "-"],
    ]
    assert any(line.split() == ["guardrail", "quarantine", "(in", "Audit)"] for line in lines)


def test_the_baseline_says_who_hears_of_break_glass_apart_from_billing_and_cis():
    """The break-glass alarm (its own namespace) is neither a billing alarm nor one of CIS's 15."""
    from orgboot.aws.cis_monitoring import BREAK_GLASS_METRIC, BREAK_GLASS_NAMESPACE, CONTROLS, NAMESPACE
    from orgboot.reports.terminal import baseline_report
    from orgboot.state.baseline import Baseline

    security, billing = "arn:aws:sns:us-east-1:123456789012:security", "arn:aws:sns:us-east-1:123456789012:billing"
    alarms = [
        {"Namespace": "AWS/Billing", "MetricName": "EstimatedCharges", "Threshold": 1000.0, "AlarmActions": [billing]},
        {"Namespace": NAMESPACE, "MetricName": CONTROLS[0].metric, "Threshold": 1.0, "AlarmActions": [security]},
        {
            "Namespace": BREAK_GLASS_NAMESPACE,
            "MetricName": BREAK_GLASS_METRIC,
            "Threshold": 1.0,
            "AlarmDescription": "Break-glass path used: a user added to group BreakGlass",
            "AlarmActions": [security],
        },
    ]
    subscriptions = {security: ["security@example.com"], billing: ["finance@example.com"]}
    baseline = Baseline(None, None, alarms, subscriptions, [], {}, {}, [])
    text = rendered(baseline_report(baseline, organization(detached=False)))
    assert "Break-glass alarm  Break-glass path used: a user added to group BreakGlass -> security@example.com" in text
    assert "Billing alarm      AWS/Billing EstimatedCharges > 1000 USD -> finance@example.com" in text
    assert "1 of the 15 alarms of CIS 4.1-4.15 -> security@example.com" in text
    assert text.count("Billing alarm") == 1
