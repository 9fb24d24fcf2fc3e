"""member_roles in org.yaml: targets, trust and the grants that point at the roles."""

import json

import pytest

from orgboot.rules import load_spec
from tests.spec.test_loader import BASE, problems, write


def roles(text: str, groups: str = "") -> str:
    spec = BASE + "member_roles:\n  catalogue:\n" + "".join(f"    {line}\n" for line in text.strip("\n").splitlines())
    if groups:
        spec += "management_baseline:\n  groups:\n" + "".join(f"    {line}\n" for line in groups.strip("\n").splitlines())
    return spec


def test_a_valid_catalogue(tmp_path):
    spec = load_spec(write(tmp_path, roles("Admin: {managed_policies: [AdministratorAccess], targets: [Workloads]}")))
    role = spec.member_roles.catalogue["Admin"]
    assert role.max_session_hours == 1
    assert role.trust.third_party_account is None
    assert spec.member_roles.rollout.region == "us-east-1"
    assert spec.member_roles.rollout.failure_tolerance_percentage == 0


@pytest.mark.parametrize("target", ["shop-prod", "management"])
def test_accounts_and_the_management_account_are_not_targets(tmp_path, target):
    found = problems(tmp_path, roles(f"Admin: {{targets: [{target}]}}"))
    assert found == [
        f"org.yaml:9: member_roles.catalogue.Admin.targets.0: '{target}' is an account; roles deploy to OUs (or Root)"
        " through service-managed StackSets, which reach every account in them and never the management account"
    ]


@pytest.mark.parametrize(
    ("trust", "message"),
    [
        ("{third_party_account: '*'}", "a wildcard principal would let anyone assume the role; give the 12-digit account ID"),
        ("{third_party_account: '12345'}", "'12345' is not an AWS account ID (12 digits)"),
    ],
)
def test_third_party_trust_needs_a_real_account(tmp_path, trust, message):
    found = problems(tmp_path, roles(f"Audit: {{trust: {trust}, targets: [Root]}}"))
    assert found == [f"org.yaml:9: member_roles.catalogue.Audit.trust.third_party_account: {message}"]


def test_session_duration_is_1_to_12_hours(tmp_path):
    found = problems(tmp_path, roles("Admin: {max_session_hours: 13, targets: [Root]}"))
    assert found == ["org.yaml:9: member_roles.catalogue.Admin.max_session_hours: max_session_hours 13 is outside AWS's range 1-12"]


def test_mfa_age_is_for_the_management_trust_only(tmp_path):
    found = problems(tmp_path, roles("Audit: {trust: {third_party_account: '999988887777', mfa_max_age_seconds: 600}, targets: [Root]}"))
    assert found == [
        "org.yaml:9: member_roles.catalogue.Audit.trust: mfa_max_age_seconds applies to the management account's trust, not to a third party's"
    ]


@pytest.mark.parametrize("name", ["Data_Reader", "Data.Reader", "Data+Reader", "Data=Reader", "Data,Reader", "Data@Reader"])
def test_role_names_fit_the_stack_set_name(tmp_path, name):
    """IAM allows _ . + = , @ in a role name; the StackSet named after the role does not."""
    found = problems(tmp_path, roles(f"'{name}': {{targets: [Root]}}"))
    assert found == [
        f"org.yaml:9: member_roles.catalogue.{name}: the role is rolled out by StackSet 'orgboot-role-{name}', and a StackSet"
        " name takes only letters, digits and hyphens: rename the role without _ . + = , @"
    ]


def test_the_access_role_name_is_taken(tmp_path):
    (found,) = problems(tmp_path, roles("OrganizationAccountAccessRole: {targets: [Root]}"))
    assert "OrganizationAccountAccessRole already exists in every account AWS created" in found


def test_grant_for_a_role_not_in_the_catalogue(tmp_path):
    found = problems(tmp_path, roles("Admin: {targets: [Workloads]}", "Ops:\n  may_assume: [{role: Operator}]"))
    assert found == [
        "org.yaml:13: management_baseline.groups.Ops.may_assume.0.role: role 'Operator' is not in member_roles.catalogue"
        " (declared: Admin), so no account has it"
    ]


def test_grant_where_the_role_is_not_deployed(tmp_path):
    found = problems(
        tmp_path, roles("Admin: {targets: [Workloads/Prod]}", "Ops:\n  may_assume: [{role: Admin, ous: [Workloads, Security]}]")
    )
    assert found == [
        "org.yaml:13: management_baseline.groups.Ops.may_assume.0.role: Ops may assume Admin in Workloads, Security,"
        " but Admin is deployed only to Workloads/Prod; narrow the grant or widen the role's targets"
    ]


def test_grants_inside_the_targets_are_fine(tmp_path):
    spec = load_spec(
        write(
            tmp_path,
            roles(
                "Admin: {targets: [Workloads]}",
                "Ops:\n  may_assume: [{role: Admin, ous: [Workloads/Prod]}]\n  break_glass: [{role: OrganizationAccountAccessRole}]",
            ),
        )
    )
    assert len(spec.management_baseline.groups["Ops"].may_assume) == len(spec.management_baseline.groups["Ops"].break_glass) == 1


def test_inline_policies_must_fit_one_role(tmp_path):
    big = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": [f"s3:Get{name}" for name in ("Object", "ObjectAcl", "ObjectTagging") * 400], "Resource": "*"}
        ],
    }
    found = problems(
        tmp_path, roles("Data: {inline_policies: [policies/big.json], targets: [Root]}"), {"policies/big.json": json.dumps(big)}
    )
    size = len(json.dumps(big, separators=(",", ":")))
    assert found == [
        f"org.yaml:9: member_roles.catalogue.Data.inline_policies: {size} characters of inline policies minified; IAM allows 10240 per role: move some into managed policies"
    ]
