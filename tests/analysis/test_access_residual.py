"""The access matrix says what the organization policies leave of each grant: a role a change
freeze denies everything is reached, and gives nothing."""

import json

from rich.console import Console

from orgboot.analysis.access import Access, Denial, Exemption, spec_access, state_access
from orgboot.analysis.residual import PROBES
from orgboot.reports.markdown import Review, render
from orgboot.reports.terminal import access_report
from orgboot.rules import load_spec
from orgboot.state.baseline import Baseline, GroupView
from orgboot.state.member_roles import RoleView
from orgboot.state.organization import Node, Organization
from tests.rules.test_access_rules import EXEMPT, FREEZE_SPEC, freeze
from tests.spec.test_loader import write

EVERY = len(PROBES)
READS = 10  # of PROBES, what ReadOnlyAccess allows


def matrix(tmp_path, document):
    return spec_access(load_spec(write(tmp_path, FREEZE_SPEC, {"policies/prod-freeze.json": json.dumps(document)})))


def test_a_change_freeze_shows_as_denied_where_it_applies(tmp_path):
    assert matrix(tmp_path, freeze()) == [
        Access("PlatformAdmins", "Admin", ("Dev", "Prod"), denied=(Denial(("SCP prod-freeze",), EVERY, EVERY, ("Prod",)),)),
        Access("Developers", "ReadOnly", ("Dev", "Prod"), denied=(Denial(("SCP prod-freeze",), READS, READS, ("Prod",)),)),
        Access("BreakGlass", "OrganizationAccountAccessRole", ("Dev", "Prod"), break_glass=True,
               exempt_from=(Exemption("SCP", "prod-freeze", ("Prod",)), Exemption("guardrail", "protect-orgboot-roles", ("Dev", "Prod")))),
    ]  # fmt: skip


def test_a_freeze_of_writes_is_a_partial_denial_of_admin_and_none_of_read_only(tmp_path):
    rows = {row.role: row for row in matrix(tmp_path, freeze(["s3:Put*", "dynamodb:PutItem"], EXEMPT[:2]))}
    assert rows["ReadOnly"].denied == ()
    assert rows["Admin"].denied == (Denial(("SCP prod-freeze",), 2, EVERY, ("Prod",)),)
    assert rows["Admin"].denied[0].label == f"partly denied by SCP prod-freeze (2 of {EVERY} probed actions)"


def test_a_region_deny_takes_regions_not_the_work(tmp_path):
    """Probes are asked in the regions the policies name: a region deny that allows eu-west-1
    leaves the role its work there."""
    only_europe = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*", "support:*"],
                   "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]},
                   "ArnNotLike": {"aws:PrincipalArn": EXEMPT[:2]}}}]}  # fmt: skip
    rows = matrix(tmp_path, only_europe)
    assert [row.denied for row in rows] == [(), (), ()]


def test_review_and_terminal_show_it(tmp_path):
    spec = load_spec(write(tmp_path, FREEZE_SPEC, {"policies/prod-freeze.json": json.dumps(freeze())}))
    text = render(Review("org.yaml", spec, (), access=spec_access(spec)))
    assert "| `Developers` | `ReadOnly` |" in text
    row = next(line for line in text.splitlines() if line.startswith("| `Developers` | `ReadOnly` |"))
    assert row.endswith("| **denied** by SCP `prod-freeze` (in `Workloads/Prod`: Prod) |")
    console = Console(width=200, record=True)
    console.print(access_report(spec_access(spec), 2))
    shown = console.export_text()
    assert "denied by SCP prod-freeze (in Prod)" in shown


READ_ONLY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "ec2:Describe*"], "Resource": "*"}],
}
TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}]}  # fmt: skip
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def test_the_deployed_matrix_says_it_too():
    deny_all = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole"}}}]}  # fmt: skip
    prod = Node("111111111111", "Prod", "account", {"SERVICE_CONTROL_POLICY": ["FullAWSAccess", "prod-freeze"]})
    dev = Node("222222222222", "Dev", "account", {"SERVICE_CONTROL_POLICY": ["FullAWSAccess"]})
    root = Node("r-1", "Root", "root", {"SERVICE_CONTROL_POLICY": ["FullAWSAccess"]}, [prod, dev], path="Root")
    organization = Organization(
        "o-1", "999999999999", ["SERVICE_CONTROL_POLICY"], root, {"FullAWSAccess": ALLOW_ALL, "prod-freeze": deny_all}
    )
    baseline = Baseline(None, None, [], {}, [], {"Developers": GroupView([], {}, [], documents=[("switch", ALLOW_ALL)])}, {}, [])
    roles = {account: {"ReadOnly": RoleView(TRUST, (("read", READ_ONLY),))} for account in ("111111111111", "222222222222")}
    # The probes its policy allows: S3 list and get, EC2 describe.
    assert state_access(baseline, organization, roles) == [
        Access("Developers", "ReadOnly", ("Dev", "Prod"), denied=(Denial(("SCP prod-freeze",), 3, 3, ("Prod",)),))
    ]
