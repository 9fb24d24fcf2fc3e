"""CIS AWS Foundations 5.0, 1.15: no group holds a full-administrator policy of its own (a warning
naming the place and the remedy, admin_role); the administrator role and the groups it names are
checked like every other way in."""

import json

import pytest

from orgboot.rules import load_spec, warnings
from tests.conftest import EXAMPLE, IAM_GROUPS
from tests.spec.test_loader import BASE, problems, write

ADMIN_FILE = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Reads", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    {"Sid": "Everything", "Effect": "Allow", "Action": ["*"], "Resource": "*"}]}  # fmt: skip
NARROW_FILE = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::data/*"},  # every action, one bucket's objects
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},  # one service, every resource
    {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}  # fmt: skip


def warned(tmp_path, groups: str, extra: str = "", files: dict[str, dict] | None = None) -> list[str]:
    text = BASE + f"management_baseline:\n  groups:\n{groups}{extra}"
    path = write(tmp_path, text, {name: json.dumps(document, indent=2) for name, document in (files or {}).items()})
    return [str(found).replace(f"{tmp_path}/", "") for found in warnings(path, load_spec(path))]


def test_administrator_access_on_a_group_is_a_warning_at_the_policy(tmp_path):
    found = warned(tmp_path, "    Ops:\n      managed_policies: [ReadOnlyAccess, AdministratorAccess]\n")
    assert found == [
        "org.yaml:10: management_baseline.groups.Ops.managed_policies.1: AdministratorAccess allows every action on every"
        " resource, and CIS AWS Foundations 5.0, 1.15 asks that no such policy be attached to a group or user; give Ops the"
        " administrator role instead (management_baseline.admin_role, assumable_by: [Ops]), which its members assume with"
        " MFA, and take the policy off the group"
    ]


def test_an_inline_file_that_allows_everything_on_everything_is_a_warning_naming_its_statement(tmp_path):
    group = "    Ops:\n      inline_policies: [policies/iam/ops.json, policies/iam/admin.json]\n"
    admin_role = "  admin_role: {assumable_by: [Ops]}\n"
    found = warned(tmp_path, group, admin_role, {"policies/iam/ops.json": NARROW_FILE, "policies/iam/admin.json": ADMIN_FILE})
    assert found == [
        "org.yaml:10: management_baseline.groups.Ops.inline_policies.1: policies/iam/admin.json (line 10, Statement.1) allows"
        " every action on every resource, and CIS AWS Foundations 5.0, 1.15 asks that no such policy be attached to a group"
        " or user; Ops may already assume admin_role ManagementAdmin: take the policy off the group"
    ]


@pytest.mark.parametrize("source", [EXAMPLE, IAM_GROUPS])
def test_the_example_is_quiet_its_administrators_assume_the_admin_role(source):
    """Today's example (its administrators use Identity Center; break-glass assumes the admin role)
    and 0.10's (IAM groups, Admins assume it) alike."""
    spec = load_spec(source)
    assert not [w for w in warnings(source, spec) if "1.15" in w.message]
    assert spec.management_baseline.admin_role is not None
    assert set(spec.management_baseline.admin_role.assumable_by) == ({"BreakGlass"} if source == EXAMPLE else {"Admins", "BreakGlass"})
    assert not any(
        group.managed_policies and "AdministratorAccess" in group.managed_policies for group in spec.management_baseline.groups.values()
    )


def test_a_customer_managed_policy_is_unknown_offline_and_not_warned_of(tmp_path):
    assert warned(tmp_path, "    Ops:\n      managed_policies: ['arn:aws:iam::123456789012:policy/OurAdmins']\n") == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ReadOnly", "'ReadOnly' is the name of a role in member accounts"),
        ("OrganizationAccountAccessRole", "'OrganizationAccountAccessRole' is the name of a role in member accounts"),
    ],
)
def test_the_admin_role_is_named_apart_from_the_roles_grants_reach(tmp_path, name, message):
    """A grant reads arn:aws:iam::*:role/<name> within the organization's paths, and the management
    account is in the organization: a same-named administrator role would be reached by it."""
    text = (
        BASE
        + "management_baseline:\n  groups:\n    Ops: {}\n"
        + f"  admin_role: {{name: {name}, assumable_by: [Ops]}}\n"
        + "member_roles:\n  catalogue:\n    ReadOnly: {managed_policies: [ReadOnlyAccess], targets: [Root]}\n"
    )
    (found,) = problems(tmp_path, text)
    assert found.startswith(f"org.yaml:10: management_baseline.admin_role.name: {message}")


def test_the_admin_role_and_the_support_role_need_two_names(tmp_path):
    text = BASE + "management_baseline:\n  groups:\n    Ops: {}\n  support_role: {name: Ops, assumable_by: [Ops]}\n"
    text += "  admin_role: {name: Ops, assumable_by: [Ops]}\n"
    assert problems(tmp_path, text) == [
        "org.yaml:11: management_baseline.admin_role.name: support_role is named Ops too, and one account's IAM roles need"
        " two names: rename one"
    ]


def test_the_admin_role_names_declared_groups_and_aws_ranges(tmp_path):
    text = BASE + "management_baseline:\n  groups:\n    Ops: {}\n"
    text += "  admin_role: {assumable_by: [Opps], max_session_hours: 13, mfa_max_age_seconds: 30}\n"
    found = problems(tmp_path, text)
    assert len(found) == 3
    assert found[0].startswith("org.yaml:10: management_baseline.admin_role.assumable_by.0: group 'Opps' is not declared")
    assert "max_session_hours 13 is outside AWS's range 1-12" in found[1]
    assert "mfa_max_age_seconds 30 is outside AWS's range 60-129600" in found[2]


def test_a_group_the_admin_role_names_must_be_able_to_assume_it(tmp_path):
    """The lockout check: administrators reach the management account only through the role."""
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}]}
    text = BASE + "management_baseline:\n  groups:\n    Ops: {inline_policies: [policies/iam/no-roles.json]}\n"
    text += "  admin_role: {assumable_by: [Ops]}\n"
    (found,) = problems(tmp_path, text, {"policies/iam/no-roles.json": json.dumps(deny)})
    assert found == (
        "org.yaml:10: management_baseline.admin_role.assumable_by.0: Ops cannot assume ManagementAdmin, signed in with MFA:"
        " explicitly denied; fix the group's policy that denies it, or take the group off assumable_by"
    )
