"""Groups and the users in them: a group that could assume roles on its own is held to its grants
by a deny, and no user may lose another group's grant to that deny."""

import json

import pytest

from orgboot.analysis.grants import assumes_on_its_own
from orgboot.rules import load_spec
from orgboot.spec import Group
from tests.spec.test_loader import BASE, problems, write

ROLES = "member_roles:\n  catalogue:\n    ReadOnly: {managed_policies: [ReadOnlyAccess], targets: [Root]}\n"


def groups(ops: str, auditors: str = "{may_assume: [{role: ReadOnly}]}", users: str = "carol: {groups: [Ops, Auditors]}") -> str:
    return BASE + ROLES + f"management_baseline:\n  groups:\n    Ops: {ops}\n    Auditors: {auditors}\n  users:\n    {users}\n"


def test_a_user_who_would_lose_a_grant_to_another_groups_deny(tmp_path):
    text = groups("{managed_policies: [AdministratorAccess], may_assume: [{role: ReadOnly, ous: [Workloads]}]}")
    assert problems(tmp_path, text) == [
        "org.yaml:15: management_baseline.users.carol.groups: carol would not get ReadOnly in Root beyond Workloads, which Auditors grants:"
        " the policies of Ops allow sts:AssumeRole, so orgboot denies Ops every managed role outside its grants, and that deny"
        " holds for carol too; grant ReadOnly in Root to Ops as well, or keep carol in only one of Ops and Auditors"
    ]


@pytest.mark.parametrize(
    "ops",
    [
        "{managed_policies: [AdministratorAccess], may_assume: [{role: ReadOnly}]}",  # the grant is within Ops' own
        "{managed_policies: [SecurityAudit]}",  # Ops cannot assume roles on its own: it has no deny
    ],
)
def test_a_user_keeps_every_grant(tmp_path, ops):
    spec = load_spec(write(tmp_path, groups(ops)))
    assert spec.management_baseline.users["carol"].groups == ("Ops", "Auditors")


def test_only_users_in_both_groups_are_concerned(tmp_path):
    text = groups("{managed_policies: [AdministratorAccess]}", users="carol: {groups: [Ops]}\n    dave: {groups: [Auditors]}")
    assert set(load_spec(write(tmp_path, text)).management_baseline.users) == {"carol", "dave"}


def test_an_inline_policy_that_allows_assuming_roles_brings_the_deny(tmp_path):
    files = {"policies/hop.json": json.dumps({"Version": "2012-10-17", "Statement": [_allow(Action="sts:*")]})}
    (found,) = problems(tmp_path, groups("{inline_policies: [policies/hop.json]}"), files)
    assert "the policies of Ops allow sts:AssumeRole" in found


def _allow(**elements: object) -> dict[str, object]:
    return {"Effect": "Allow", "Resource": "*", **elements}


@pytest.mark.parametrize(
    ("managed", "statements", "assumes"),
    [
        (["AdministratorAccess"], [], True),  # Action "*"
        (["PowerUserAccess"], [], True),  # NotAction iam:*, organizations:*, account:*
        (["SecurityAudit", "job-function/ViewOnlyAccess", "job-function/Billing"], [], False),
        (["arn:aws:iam::aws:policy/ReadOnlyAccess"], [], False),  # an AWS managed policy by its ARN
        (["arn:aws:iam::111122223333:policy/Custom"], [], True),  # customer managed: unknown offline
        ([], [_allow(Action=["s3:GetObject", "STS:Assume*"])], True),  # actions are case-insensitive
        ([], [_allow(NotAction="s3:*")], True),
        ([], [_allow(NotAction="sts:*")], False),
        ([], [{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}], False),
        ([], [_allow(Action="sts:AssumeRoleWithSAML")], False),
    ],
)
def test_which_groups_can_assume_roles_on_their_own(tmp_path, managed, statements, assumes):
    path = tmp_path / "own.json"
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": statements}))
    group = Group.model_validate(
        {"managed_policies": managed, "inline_policies": [path.name] if statements else []}, context={"base_dir": tmp_path}
    )
    assert assumes_on_its_own(group) is assumes


def test_every_grant_a_user_would_lose_is_named(tmp_path):
    text = groups("{managed_policies: [AdministratorAccess]}", auditors="{may_assume: [{role: ReadOnly, ous: [Workloads/Prod, Security]}]}")
    (found,) = problems(tmp_path, text)
    assert "carol would not get ReadOnly in Workloads/Prod, Security, which Auditors grants" in found
    assert "grant ReadOnly in Workloads/Prod, Security to Ops as well" in found


def _file_of(size: int) -> str:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ""}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    statement["Resource"] = "x" * (size - len(json.dumps(document, separators=(",", ":"))))
    return json.dumps(document, separators=(",", ":"))


# The support role's statement, as IAM counts it (no whitespace), with the longest account ID.
SUPPORT = (
    '{"Version":"2012-10-17","Statement":[{"Sid":"AssumeSupportRole","Effect":"Allow","Action":"sts:AssumeRole",'
    '"Resource":"arn:aws:iam::000000000000:role/AWSSupport"}]}'
)


@pytest.mark.parametrize(
    ("support", "room"),
    [(False, 5_120), (True, 5_120 - len(SUPPORT))],  # without grants or a guard, no switch-roles policy is deployed
)
def test_a_groups_inline_policies_may_fill_iams_5120_characters_exactly(tmp_path, support, room):
    text = BASE + "management_baseline:\n  groups:\n    Data: {inline_policies: [policies/data.json]}\n"
    text += "  support_role: {assumable_by: [Data]}\n" if support else ""
    assert load_spec(write(tmp_path, text, {"policies/data.json": _file_of(room)}))
    (found,) = problems(tmp_path, text, {"policies/data.json": _file_of(room + 1)})
    assert f"management_baseline.groups.Data: up to {5_120 + 1} characters of inline policies" in found
    assert "the switch-roles policy for 0 grants);" in found  # Data cannot assume roles on its own: no deny


def test_the_size_of_a_groups_deny_counts_the_managed_roles(tmp_path):
    text = (
        BASE
        + ROLES
        + "management_baseline:\n  groups:\n    Data: {managed_policies: [AdministratorAccess], inline_policies: [policies/data.json]}\n"
    )
    (found,) = problems(tmp_path, text, {"policies/data.json": _file_of(5_000)})
    assert "the switch-roles policy for 0 grants and 2 managed roles);" in found


def test_the_access_role_is_granted_only_as_break_glass(tmp_path):
    """Guardrails exempt the access role for break-glass: an everyday grant of it, under any of its
    names, would turn that exemption into the daily way in."""
    renamed = BASE.replace("ou: Workloads/Prod}", "ou: Workloads/Prod, role_name: OrgAccess}")
    text = (
        renamed
        + ROLES
        + (
            "management_baseline:\n  groups:\n"
            "    Ops: {may_assume: [{role: OrganizationAccountAccessRole}, {role: OrgAccess, ous: [Workloads]}]}\n"
            "    Auditors: {break_glass: [{role: ReadOnly}]}\n"
        )
    )
    assert problems(tmp_path, text) == [
        "org.yaml:12: management_baseline.groups.Ops.may_assume.0.role: OrganizationAccountAccessRole is the access role, which"
        " guardrails exempt for break-glass; grant it under break_glass (the same role and ous), not as an everyday grant, or grant"
        " a role of member_roles.catalogue",
        "org.yaml:12: management_baseline.groups.Ops.may_assume.1.role: OrgAccess is the access role, which guardrails exempt for"
        " break-glass; grant it under break_glass (the same role and ous), not as an everyday grant, or grant a role of"
        " member_roles.catalogue",
        "org.yaml:13: management_baseline.groups.Auditors.break_glass.0.role: ReadOnly is not an access role: break_glass grants"
        " only OrgAccess, OrganizationAccountAccessRole; grant a role of member_roles.catalogue under may_assume",
    ]
    fixed = text.replace(
        "may_assume: [{role: OrganizationAccountAccessRole}, {role: OrgAccess, ous: [Workloads]}]",
        "break_glass: [{role: OrganizationAccountAccessRole}, {role: OrgAccess, ous: [Workloads]}]",
    )
    spec = load_spec(write(tmp_path, fixed.replace("break_glass: [{role: ReadOnly}]", "may_assume: [{role: ReadOnly}]")))
    assert [grant.role for grant in spec.management_baseline.groups["Ops"].break_glass] == ["OrganizationAccountAccessRole", "OrgAccess"]


def test_a_user_keeps_a_break_glass_grant_another_group_gives(tmp_path):
    """Ops could assume roles on its own, so it is denied every managed role outside its grants,
    the access role included: a break-glass grant of another group counts like any grant."""
    text = groups(
        "{managed_policies: [AdministratorAccess], may_assume: [{role: ReadOnly}]}",
        auditors="{break_glass: [{role: OrganizationAccountAccessRole}]}",
    )
    assert problems(tmp_path, text) == [
        "org.yaml:15: management_baseline.users.carol.groups: carol would not get OrganizationAccountAccessRole in Root, which"
        " Auditors grants: the policies of Ops allow sts:AssumeRole, so orgboot denies Ops every managed role outside its grants,"
        " and that deny holds for carol too; grant OrganizationAccountAccessRole in Root to Ops as well, or keep carol in only one"
        " of Ops and Auditors"
    ]
