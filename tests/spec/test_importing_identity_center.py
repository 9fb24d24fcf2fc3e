"""The identity_center section `orgboot import` writes (orgboot/spec/importing_identity_center.py),
from hand-built views of what AWS holds: each field of a permission set as org.yaml says it,
assignments collapsed to Root and OUs, and a comment for each assignment org.yaml cannot declare.
Every org.yaml written here validates."""

from pathlib import Path

from orgboot.rules import load_spec
from orgboot.spec.importing import import_organization
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
from orgboot.state.inventory import Inventory, LiveAccount, LiveOu

MANAGEMENT, PROD, DEV_1, DEV_2, GONE = "123456789012", "111111111111", "222222222222", "333333333333", "444444444444"
SUSPENDED = "555555555555"
PLATFORM, DEVELOPERS = Principal(GROUP, "g-1", "Platform"), Principal(GROUP, "g-2", "Developers")


def inventory(*, named_management: bool = False) -> Inventory:
    """Root: the management account; Workloads/Prod (one account), Workloads/Dev (two), Suspended (one, SUSPENDED)."""
    ous = {
        "ou-w": LiveOu("ou-w", "Workloads", "r-1", "Workloads", {}),
        "ou-p": LiveOu("ou-p", "Prod", "ou-w", "Workloads/Prod", {}),
        "ou-d": LiveOu("ou-d", "Dev", "ou-w", "Workloads/Dev", {}),
        "ou-s": LiveOu("ou-s", "Suspended", "r-1", "Suspended", {}),
    }

    def account(account_id: str, name: str, parent: str, state: str = "ACTIVE") -> LiveAccount:
        return LiveAccount(account_id, name, f"aws+{account_id}@acme-corp.io", state, "CREATED", parent, {})

    accounts = [
        account(MANAGEMENT, "Management", "r-1"),
        account(PROD, "Shop Prod", "ou-p"),
        account(DEV_1, "Shop Dev", "ou-d"),
        account(DEV_2, "Payments Dev", "ou-d"),
        account(SUSPENDED, "Old", "ou-s", "SUSPENDED"),
    ]
    if named_management:  # a member named like identity_center's name for the management account
        accounts.append(account("666666666666", "Management", "ou-s"))
    return Inventory("o-1", "ALL", MANAGEMENT, "r-1", (), ous, {a.id: a for a in accounts}, {})


def center(sets: dict[str, PermissionSetView], *grants: tuple[Principal, str, tuple[str, ...]], unread=None) -> IdentityCenterView:
    assignments = tuple(AssignmentView(account, name, principal) for principal, name, accounts in grants for account in accounts)
    return IdentityCenterView("eu-west-1", "arn:aws:sso:::instance/ssoins-1", "d-1", sets, assignments, unread or {})


def written(tmp_path: Path, view: IdentityCenterView, **options):
    """org.yaml and its files as import writes them, loaded (it must validate), and the text."""
    imported = import_organization(inventory(**options), identity_center=view)
    (tmp_path / "org.yaml").write_text(imported.org_yaml)
    for name, text in imported.policy_files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return load_spec(tmp_path / "org.yaml"), imported


def test_every_field_of_a_permission_set(tmp_path):
    sets = {
        "Admin": PermissionSetView(
            "Admin",
            "arn:ps-1",
            description="Full administration",
            session_duration="PT12H",
            relay_state="https://console.aws.amazon.com/console/home",
            managed_policies=("arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"),
            customer_managed_policies=(PolicyReference("workload-read", "/team/"),),
            inline_policy={"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]},
            boundary=Boundary(customer_managed_policy=PolicyReference("boundary")),
        ),
        "Viewer": PermissionSetView("Viewer", "arn:ps-2", boundary=Boundary("arn:aws:iam::aws:policy/PowerUserAccess")),
    }
    spec, imported = written(tmp_path, center(sets))
    admin, viewer = spec.identity_center.permission_sets["Admin"], spec.identity_center.permission_sets["Viewer"]
    assert admin.description == "Full administration"
    assert (admin.session_hours, admin.relay_state) == (12, "https://console.aws.amazon.com/console/home")
    assert admin.managed_policies == ("AdministratorAccess", "job-function/ViewOnlyAccess")
    assert [(p.name, p.path) for p in admin.customer_managed_policies] == [("workload-read", "/team/")]
    assert admin.inline_policy.path == "policies/identity-center/Admin.json"
    assert admin.inline_policy.content == sets["Admin"].inline_policy
    assert (admin.permissions_boundary.customer_managed_policy.name, admin.permissions_boundary.customer_managed_policy.path) == (
        "boundary",
        "/",
    )
    assert viewer.permissions_boundary.managed_policy == "PowerUserAccess"
    assert viewer.session_hours == 1
    assert "session_hours" not in imported.org_yaml.split("Viewer:")[1]  # AWS's default, as org.yaml's
    assert spec.identity_center.region == "eu-west-1"


def test_a_session_in_minutes_is_rounded_to_hours_and_said(tmp_path):
    sets = {"Short": PermissionSetView("Short", "arn:ps-1", session_duration="PT90M")}
    spec, imported = written(tmp_path, center(sets))
    assert spec.identity_center.permission_sets["Short"].session_hours == 2
    assert "session_hours: 2   # AWS has PT90M: org.yaml takes whole hours, 1 to 12" in imported.org_yaml


def test_a_policy_newer_than_the_catalogue_is_kept_by_its_arn(tmp_path):
    arn = "arn:aws:iam::aws:policy/AmazonSomethingLaunchedTomorrow"
    spec, _ = written(tmp_path, center({"New": PermissionSetView("New", "arn:ps-1", managed_policies=(arn,))}))
    assert spec.identity_center.permission_sets["New"].managed_policies == (arn,)


def test_a_boundary_that_could_not_be_read_is_said(tmp_path):
    view = center({"Admin": PermissionSetView("Admin", "arn:ps-1")}, unread={"permissions boundary of Admin": "AccessDeniedException: no"})
    _, imported = written(tmp_path, view)
    assert "      # permissions boundary not read (AccessDeniedException: no): add it here if the set has one" in imported.org_yaml
    assert "not read: permissions boundary of Admin: AccessDeniedException: no" in imported.notes


def test_assignments_collapse_to_root_and_ous(tmp_path):
    sets = {name: PermissionSetView(name, f"arn:{name}") for name in ("Admin", "Developer", "Reader")}
    view = center(
        sets,
        (PLATFORM, "Admin", (PROD, DEV_1, DEV_2, MANAGEMENT)),
        (DEVELOPERS, "Developer", (DEV_1, DEV_2)),
        (DEVELOPERS, "Reader", (PROD, DEV_1)),
    )
    spec, _ = written(tmp_path, view)
    targets = {(a.group, a.permission_set): a.targets for a in spec.identity_center.assignments}
    assert targets == {
        ("Platform", "Admin"): ("Root", "management"),
        ("Developers", "Developer"): ("Workloads/Dev",),
        ("Developers", "Reader"): ("Workloads/Prod", "shop-dev"),  # an OU of one account is the OU: accounts added later there too
    }
    assert spec.identity_center_assignments()["payments-dev"] == (("Developers", "Developer"), ("Platform", "Admin"))


def test_what_org_yaml_cannot_declare_is_a_comment(tmp_path):
    sets = {"Reader": PermissionSetView("Reader", "arn:ps-1")}
    view = center(
        sets,
        (Principal(USER, "u-1", "alice"), "Reader", (PROD,)),
        (Principal(GROUP, "g-gone", ""), "Reader", (DEV_1,)),
        (DEVELOPERS, "Reader", (DEV_1, DEV_2, SUSPENDED, GONE)),
    )
    spec, imported = written(tmp_path, view)
    assert [(a.group, a.targets) for a in spec.identity_center.assignments] == [("Developers", ("Workloads/Dev",))]
    text = imported.org_yaml
    assert "  # Left untouched: orgboot assigns Identity Center groups, in the accounts it manages; these stay as they are in AWS:" in text
    assert "  #   user alice: Reader in shop-prod" in text
    assert "  #   group g-gone (not in the identity store d-1): Reader in shop-dev" in text
    assert (
        f"  #   group Developers: Reader in {GONE} (not in the organization), Old ({SUSPENDED}, SUSPENDED: not managed by orgboot)" in text
    )
    assert any("3 assignments left untouched" in note for note in imported.notes)


def test_thousands_of_assignments_spread_over_stacks(tmp_path):
    sets = {f"Set{index}": PermissionSetView(f"Set{index}", f"arn:ps-{index}") for index in range(160)}
    view = center(sets, *((PLATFORM, name, (PROD, DEV_1, DEV_2)) for name in sets))  # 480 assignments
    spec, imported = written(tmp_path, view)
    assert spec.identity_center.assignment_stacks == 3
    assert "assignment_stacks: 3   # 480 assignments, more than one stack holds" in imported.org_yaml


def test_no_member_account_takes_the_key_that_names_the_management_account(tmp_path):
    view = center({"Admin": PermissionSetView("Admin", "arn:ps-1")}, (PLATFORM, "Admin", (MANAGEMENT,)))
    spec, _ = written(tmp_path, view, named_management=True)
    assert "management-666666666666" in spec.accounts
    assert [assignment.targets for assignment in spec.identity_center.assignments] == [("management",)]


def test_identity_center_not_enabled_writes_no_section(tmp_path):
    spec, _ = written(tmp_path, IdentityCenterView("us-east-1"))
    assert spec.identity_center is None
