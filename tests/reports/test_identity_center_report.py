"""Identity Center in the reports: `orgboot emulate`'s table of who can reach which account with
which permission set (orgboot/reports/identity_center.py), with accounts said by the fewest names;
and the access matrix's Identity Center rows, marked in the terminal and in the review."""

from pathlib import Path

from rich.console import Console

from orgboot.analysis.access import Access, Denial
from orgboot.reports import markdown
from orgboot.reports.identity_center import identity_center_report
from orgboot.reports.terminal import access_report
from orgboot.rules import load_spec
from orgboot.state.identity_center import (
    GROUP,
    USER,
    AssignmentView,
    Boundary,
    IdentityCenterView,
    PermissionSetView,
    PolicyReference,
    Principal,
)
from orgboot.state.organization import Node, Organization

MANAGEMENT = "123456789012"
PROD_1, PROD_2, DEV, SANDBOX = "111111111111", "222222222222", "333333333333", "444444444444"


def rendered(renderable) -> str:
    console = Console(width=300, record=True, no_color=True)
    console.print(renderable)
    return console.export_text()


def organization() -> Organization:
    """Root: the management account, Workloads/Prod (two accounts), Workloads/Dev (one), Sandbox (one)."""

    def account(account_id: str, name: str) -> Node:
        return Node(account_id, name, "account", email=f"{account_id}@acme-corp.io")

    prod = Node("ou-prod", "Prod", "ou", children=[account(PROD_1, "Shop Prod"), account(PROD_2, "Payments Prod")], path="Workloads/Prod")
    dev = Node("ou-dev", "Dev", "ou", children=[account(DEV, "Shop Dev")], path="Workloads/Dev")
    workloads = Node("ou-workloads", "Workloads", "ou", children=[prod, dev], path="Workloads")
    sandbox = Node("ou-sandbox", "Sandbox", "ou", children=[account(SANDBOX, "Sandbox 1")], path="Sandbox")
    root = Node("r-1", "Root", "root", children=[account(MANAGEMENT, "Management"), workloads, sandbox], path="Root")
    return Organization("o-1", MANAGEMENT, ["SERVICE_CONTROL_POLICY"], root)


def view(*grants: tuple[Principal, str, tuple[str, ...]]) -> IdentityCenterView:
    sets = {
        "PlatformAdmin": PermissionSetView(
            "PlatformAdmin", "arn:ps-1", managed_policies=("arn:aws:iam::aws:policy/AdministratorAccess",), inline_policy={"Statement": []}
        ),
        "ReadOnly": PermissionSetView(
            "ReadOnly",
            "arn:ps-2",
            session_duration="PT8H",
            managed_policies=("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",),
            customer_managed_policies=(PolicyReference("workload-read", "/team/"),),
            boundary=Boundary("arn:aws:iam::aws:policy/PowerUserAccess"),
        ),
    }
    assignments = tuple(
        AssignmentView(account, permission_set, principal) for principal, permission_set, accounts in grants for account in accounts
    )
    return IdentityCenterView("eu-west-1", "arn:aws:sso:::instance/ssoins-1", "d-1", sets, assignments)


PLATFORM, DEVELOPERS = Principal(GROUP, "g-1", "Platform"), Principal(GROUP, "g-2", "Developers")


def test_who_can_reach_which_account_with_which_permission_set():
    center = view(
        (PLATFORM, "PlatformAdmin", (PROD_1, PROD_2, DEV, SANDBOX, MANAGEMENT)),
        (DEVELOPERS, "ReadOnly", (PROD_1, PROD_2, DEV)),
        (DEVELOPERS, "PlatformAdmin", (DEV, SANDBOX)),
        (Principal(USER, "u-1", "alice"), "ReadOnly", (PROD_1,)),
        (Principal(GROUP, "g-gone", ""), "ReadOnly", (SANDBOX,)),
    )
    text = rendered(identity_center_report(center, organization()))
    assert "Identity Center: who can reach which account with which permission set (eu-west-1)" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Platform PlatformAdmin 1h sessions every member account (4), the management account" in lines
    assert "Developers ReadOnly 8h sessions Workloads (all 3)" in lines
    assert "Developers PlatformAdmin 1h sessions Shop Dev, Sandbox 1" in lines
    assert "alice (user) ReadOnly 8h sessions Shop Prod" in lines
    assert "g-gone (group not in the identity store) ReadOnly 8h sessions Sandbox 1" in lines
    # Then what each permission set gives.
    assert "PlatformAdmin AdministratorAccess, inline policy - 1h sessions" in lines
    assert "ReadOnly job-function/ViewOnlyAccess, /team/workload-read (customer managed) PowerUserAccess 8h sessions" in lines


def test_groups_come_first_by_name_then_users():
    center = view((Principal(USER, "u-1", "alice"), "ReadOnly", (DEV,)), (PLATFORM, "ReadOnly", (DEV,)), (DEVELOPERS, "ReadOnly", (DEV,)))
    text = rendered(identity_center_report(center, organization()))
    assert text.index("Developers") < text.index("Platform") < text.index("alice")


def test_identity_center_not_enabled_is_said():
    text = rendered(identity_center_report(IdentityCenterView("us-east-1"), organization()))
    assert "Identity Center: IAM Identity Center is not enabled in us-east-1: no organization instance there" in " ".join(text.split())


def test_no_assignment_is_said():
    text = " ".join(rendered(identity_center_report(view(), organization())).split())
    assert "who can reach which account with which permission set: nobody, no assignment in eu-west-1" in text
    assert "Permission sets" in text


ROWS = [
    Access("Admins", "Admin", ("Shop Dev", "Shop Prod")),
    Access("Platform", "PlatformAdmin", (), management=True, identity_center=True),
    Access("Developers", "Developer", ("Shop Dev",), denied=(Denial(("SCP prod-freeze",), 2, 10, ("Shop Dev",)),), identity_center=True),
]


def test_the_terminal_access_matrix_shows_identity_center_groups_in_a_table_of_their_own():
    text = rendered(access_report(ROWS, 2))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    heading = lines.index(next(line for line in lines if line.startswith("Identity Center groups")))
    iam, centered = lines[:heading], lines[heading:]
    assert "Admins Admin all member accounts - -" in iam
    assert not any("Platform" in line for line in iam)
    assert "Identity Center group permission set in accounts exempt from denied by" in centered
    assert "Platform PlatformAdmin the management account - -" in centered
    assert any(line.startswith("Developers Developer Shop Dev - partly denied by SCP prod-freeze") for line in centered)


def test_without_identity_center_the_matrix_reads_as_before():
    text = rendered(access_report(ROWS[:1], 2))
    assert "Identity Center" not in text
    assert "Access matrix (who can switch into which role, where: decided by the policies, signed in with MFA)" in text


def test_the_review_marks_identity_center_rows(tmp_path: Path):
    (tmp_path / "org.yaml").write_text(
        "organizational_units: [Workloads]\n"
        "accounts:\n"
        "  shop-dev: {name: Shop Dev, email: aws+shop-dev@acme-corp.io, ou: Workloads}\n"
        "  shop-prod: {name: Shop Prod, email: aws+shop-prod@acme-corp.io, ou: Workloads}\n"
    )
    spec = load_spec(tmp_path / "org.yaml")
    text = markdown._access(spec, ROWS)
    assert "| `Admins` | `Admin` | every member account (2) | - | - |" in text
    assert "| `Platform` (Identity Center) | `PlatformAdmin` (permission set) | the management account | - | - |" in text
    assert "| `Developers` (Identity Center) | `Developer` (permission set) | `Workloads`: Shop Dev | - |" in text
    assert "An *Identity Center* group's members sign in through IAM Identity Center with a *permission set*" in text
    assert "Identity Center" not in markdown._access(spec, ROWS[:1])
