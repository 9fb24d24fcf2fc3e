"""orgboot diff and IAM Identity Center (issue 26, point 2): permission sets and assignments in a
section of their own, and a change that takes away an account's last admin path is dangerous."""

import json

from orgboot.analysis.admin_paths import AdminPath, admin_paths
from orgboot.analysis.diff import IDENTITY_CENTER, acknowledged, diff
from orgboot.aws.identity_center import role_arn_pattern
from orgboot.spec.acknowledgements import DANGEROUS, check_change_id
from tests.analysis.test_identity_center_access import SPEC, freeze, spec_with

BREAK_GLASS = """\
management_baseline:
  groups:
    BreakGlass:
      break_glass: [{role: OrganizationAccountAccessRole}]
"""
BASE = SPEC + BREAK_GLASS
PLATFORM = "    - {group: Platform, permission_set: PlatformAdmin, targets: [Workloads, management]}"


def specs(tmp_path, base_text, head_text, head_policy=None):
    base = spec_with(tmp_path / "base", text=base_text)
    head = spec_with(tmp_path / "head", head_policy or {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]}, text=head_text)  # fmt: skip
    return base, head


def dangerous(tmp_path, base_text, head_text, head_policy=None):
    return {change.id: change.summary for change in diff(*specs(tmp_path, base_text, head_text, head_policy)).dangerous}


def test_the_admin_paths_are_decided_by_the_evaluator(tmp_path):
    """PlatformAdmin (AdministratorAccess) administers; Builder (PowerUserAccess, and a boundary of
    it) and ReadOnly do not; break-glass does, marked as such."""
    paths = admin_paths(spec_with(tmp_path, text=BASE))
    platform = AdminPath(True, "Platform", "PlatformAdmin")
    break_glass = AdminPath(False, "BreakGlass", "OrganizationAccountAccessRole", break_glass=True)
    assert paths == {"prod": {platform, break_glass}, "dev": {platform, break_glass}, "play": {break_glass}, "management": {platform}}
    assert platform.label == "Identity Center group Platform through permission set PlatformAdmin"


def test_taking_away_the_last_everyday_admin_path_is_dangerous(tmp_path):
    head = BASE.replace(PLATFORM, "    - {group: Platform, permission_set: PlatformAdmin, targets: [management]}")
    found = dangerous(tmp_path, BASE, head)
    assert found == {
        "admin-path-lost:dev": "`dev` loses its last everyday admin path (Identity Center group Platform through permission set"
        " PlatformAdmin): only break-glass is left (IAM group BreakGlass as OrganizationAccountAccessRole (break-glass))",
        "admin-path-lost:prod": "`prod` loses its last everyday admin path (Identity Center group Platform through permission"
        " set PlatformAdmin): only break-glass is left (IAM group BreakGlass as OrganizationAccountAccessRole (break-glass))",
    }
    assert "admin-path-lost" in DANGEROUS


def test_it_is_not_dangerous_while_another_admin_path_remains(tmp_path):
    ops = "\n    - {group: Ops, permission_set: PlatformAdmin, targets: [prod]}"
    base = BASE.replace(PLATFORM, PLATFORM + ops)
    head = base.replace(PLATFORM, "    - {group: Platform, permission_set: PlatformAdmin, targets: [management]}")
    assert set(dangerous(tmp_path, base, head)) == {"admin-path-lost:dev"}  # prod keeps Ops


def test_without_break_glass_nobody_administers_the_account_any_more(tmp_path):
    head = SPEC.replace(PLATFORM, "    - {group: Platform, permission_set: PlatformAdmin, targets: [Workloads]}")
    assert dangerous(tmp_path, SPEC, head) == {
        "admin-path-lost:management": "nobody of the spec can administer the management account any more: its last admin"
        " path goes (Identity Center group Platform through permission set PlatformAdmin)"
    }


def test_a_freeze_takes_the_path_away_unless_it_exempts_the_permission_set(tmp_path):
    assert set(dangerous(tmp_path, BASE, BASE, freeze())) == {"admin-path-lost:prod"}
    assert dangerous(tmp_path, BASE, BASE, freeze(role_arn_pattern("PlatformAdmin"))) == {}


def test_the_change_is_acknowledged_by_its_id(tmp_path):
    head = BASE.replace(PLATFORM, "    - {group: Platform, permission_set: PlatformAdmin, targets: [management]}")
    changes = diff(*specs(tmp_path, BASE, head)).changes
    assert check_change_id("admin-path-lost:prod") == "admin-path-lost:prod"
    assert acknowledged(changes, {"admin-path-lost:prod": "the platform team moves to break-glass for a week (PR 7)"}) == {
        "admin-path-lost:prod": "the platform team moves to break-glass for a week (PR 7)"
    }


def test_permission_sets_and_assignments_have_a_section_of_their_own(tmp_path):
    head = (
        BASE.replace("    ReadOnly: {managed_policies: [ReadOnlyAccess]}", "    ReadOnly: {managed_policies: [job-function/ViewOnlyAccess]}")
        .replace("    Builder:", "    Billing: {managed_policies: [job-function/Billing]}\n    Builder:")
        .replace("targets: [Workloads/Prod, play]}", "targets: [Workloads/Prod, play]}\n    - {group: Finance, permission_set: Billing, targets: [management]}")
        .replace("targets: [Workloads/Dev]}", "targets: [Workloads/Dev, Sandbox]}")
    )  # fmt: skip
    found = {change.id: change.summary for change in diff(*specs(tmp_path, BASE, head)).changes if change.section == IDENTITY_CENTER}
    assert found == {
        "permission-set-added:Billing": "permission set `Billing` is added, with `job-function/Billing`",
        "permission-set-changed:ReadOnly.managed_policies": "`identity_center.permission_sets.ReadOnly.managed_policies`:"
        " [ReadOnlyAccess] → [job-function/ViewOnlyAccess]",
        "assignment-added:Developers/Builder@Sandbox": "Identity Center group `Developers` is assigned `Builder` in `Sandbox`",
        "assignment-added:Finance/Billing@management": "Identity Center group `Finance` is assigned `Billing` in the management account",
    }
    removed = {change.id for change in diff(*specs(tmp_path, head, BASE)).changes if change.section == IDENTITY_CENTER}
    assert {"permission-set-removed:Billing", "assignment-removed:Developers/Builder@Sandbox"} <= removed
    access = {change.id: change.summary for change in diff(*specs(tmp_path, BASE, head)).changes if change.id.startswith("access-widened")}
    assert access == {
        "access-widened:Developers/Builder": "Identity Center group `Developers` can now become permission set `Builder` in `play`",
        "access-widened:Finance/Billing": "Identity Center group `Finance` can now become permission set `Billing` in `management`",
    }


def test_an_inline_policy_change_shows_its_statements(tmp_path):
    statement = {"Sid": "Logs", "Effect": "Allow", "Action": "logs:Get*", "Resource": "*"}
    inline = {"Version": "2012-10-17", "Statement": [statement]}
    text = BASE.replace("    ReadOnly: {managed_policies: [ReadOnlyAccess]}", "    ReadOnly: {inline_policy: policies/read.json}")
    base = spec_with(tmp_path / "base", text=text, files={"policies/read.json": json.dumps(inline)})
    statement["Action"] = "logs:*"
    head = spec_with(tmp_path / "head", text=text, files={"policies/read.json": json.dumps(inline)})
    (change,) = [change for change in diff(base, head).changes if change.section == IDENTITY_CENTER]
    assert change.id == "permission-set-changed:ReadOnly.inline_policy"
    assert '-  "Action": "logs:Get*",' in change.details
    assert '+  "Action": "logs:*",' in change.details


def test_the_management_account_left_to_a_break_glass_group_is_dangerous_too(tmp_path):
    """The administrator role that only a break-glass group assumes is break-glass, though the
    access matrix marks only the access role's grants."""
    base = BASE + "  admin_role: {name: ManagementAdmin, assumable_by: [BreakGlass]}\n"
    head = base.replace(PLATFORM, "    - {group: Platform, permission_set: PlatformAdmin, targets: [Workloads]}")
    assert dangerous(tmp_path, base, head) == {
        "admin-path-lost:management": "the management account loses its last everyday admin path (Identity Center group"
        " Platform through permission set PlatformAdmin): only break-glass is left (IAM group BreakGlass as ManagementAdmin"
        " (break-glass))"
    }
