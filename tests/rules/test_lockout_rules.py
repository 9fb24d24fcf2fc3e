"""Lockout checks: the organization must keep reaching its accounts (the evaluator decides)."""

import json

import pytest

from orgboot.rules import load_spec
from tests.spec.test_loader import problems, write

SPEC = """\
emulator_only: true
organization:
  policy_types: [SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY]
organizational_units: [Workloads, Suspended]
accounts:
  shop: {name: Shop, email: shop@example.com, ou: Workloads}
"""
ROLES = """\
member_roles:
  catalogue:
    ReadOnly: {managed_policies: [ReadOnlyAccess], targets: [Root]}
    Audit: {trust: {third_party_account: '999988887777'}, targets: [Workloads]}
"""


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def scp(name, target, *statements, kind="SERVICE_CONTROL_POLICY"):
    return f"  {name}: {{type: {kind}, document: policies/{name}.json, targets: [{target}]}}\n", {
        f"policies/{name}.json": document(*statements)
    }


def check(tmp_path, *policies, extra=""):
    text = SPEC + extra + "policies:\n" + "".join(p[0] for p in policies)
    files = {name: content for _, f in policies for name, content in f.items()}
    # A denying statement is reported at its line in the policy file.
    return [found.replace(f"{tmp_path}/", "") for found in problems(tmp_path, text, files)]


REGION_DENY_WITHOUT_EXEMPTIONS = {
    "Sid": "OnlyEurope", "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
}  # fmt: skip


def test_a_region_deny_without_the_global_service_exemptions_is_a_lockout(tmp_path):
    (found, *_) = [p for p in check(tmp_path, scp("regions", "Root", REGION_DENY_WITHOUT_EXEMPTIONS)) if "global services" in p]
    assert found.startswith("policies/regions.json:4: Statement.0: in account shop, the global services are cut off")
    assert "SCP regions attached to Root: statement 'OnlyEurope' denies it" in found
    assert "exempt them with NotAction" in found


def test_a_region_deny_that_forgets_sts_is_a_lockout(tmp_path):
    # STS stands for itself with an action a policy can deny: sts:GetCallerIdentity never can.
    forgets_sts = {**REGION_DENY_WITHOUT_EXEMPTIONS, "NotAction": ["iam:*", "organizations:*", "support:*"]}
    del forgets_sts["Action"]
    found = [p for p in check(tmp_path, scp("regions", "Root", forgets_sts)) if "global services" in p]
    assert found
    assert "sts:" in found[0]


def test_a_region_deny_with_the_exemptions_is_fine(tmp_path):
    exempt = {**REGION_DENY_WITHOUT_EXEMPTIONS, "Action": None, "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*"]}
    del exempt["Action"]
    text = SPEC + "policies:\n" + scp("regions", "Root", exempt)[0]
    assert load_spec(write(tmp_path, text, {"policies/regions.json": document(exempt)}))


def test_an_scp_denying_the_access_role_is_refused(tmp_path):
    deny = {
        "Sid": "NoAccessRole",
        "Effect": "Deny",
        "Action": "sts:AssumeRole",
        "Resource": "arn:aws:iam::*:role/OrganizationAccountAccessRole",
    }
    everything = {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}
    found = check(tmp_path, scp("no-access", "Root", everything, deny))
    assert found == [
        "policies/no-access.json:10: Statement.1: in account shop, principals cannot assume OrganizationAccountAccessRole in other"
        " accounts: SCP no-access attached to Root: statement 'NoAccessRole' denies it; SCPs never restrict the management account,"
        " so this only cuts delegated administrators and security tooling off the organization's access path; protect"
        " OrganizationAccountAccessRole from change instead of denying its use"
    ]


def test_an_rcp_denying_assume_role_locks_the_management_account_out(tmp_path):
    deny = {"Sid": "NoAssume", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}
    found = check(tmp_path, scp("no-assume", "Workloads", deny, kind="RESOURCE_CONTROL_POLICY"))
    assert found == [
        "policies/no-assume.json:4: Statement.0: in account shop, break-glass is cut off: the management account cannot assume"
        " OrganizationAccountAccessRole:"
        " RCP no-assume attached to OU Workloads: statement 'NoAssume' denies it; exempt arn:aws:iam::*:role/OrganizationAccountAccessRole"
        " (a condition on aws:PrincipalArn) or move the deny elsewhere"
    ]


def test_a_deny_all_under_a_stack_set_target_is_refused_even_before_an_account_lands_there(tmp_path):
    deny_all = {"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}
    found = check(tmp_path, scp("quarantine", "Suspended", deny_all), extra=ROLES)
    assert any(
        p.startswith(
            "policies/quarantine.json:4: Statement.0: in any account that joins Suspended, StackSet orgboot-role-ReadOnly cannot deploy"
        )
        for p in found
    ), found
    assert any(
        "in any account that joins Suspended, break-glass is cut off: OrganizationAccountAccessRole can do nothing" in p for p in found
    ), found


def test_a_quarantine_exempting_the_organizations_roles_is_fine(tmp_path):
    quarantine = {
        "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/OrganizationAccountAccessRole", "arn:aws:iam::*:role/stacksets-exec-*"]}},
    }  # fmt: skip
    text = SPEC + ROLES + "policies:\n" + scp("quarantine", "Suspended", quarantine)[0]
    assert load_spec(write(tmp_path, text, {"policies/quarantine.json": document(quarantine)}))


def test_a_grant_the_trust_policy_refuses_is_reported_at_the_grant(tmp_path):
    grant = "management_baseline:\n  groups:\n    Auditors: {may_assume: [{role: Audit, ous: [Workloads]}]}\n"
    found = problems(tmp_path, SPEC + ROLES + grant)
    assert found == [
        "org.yaml:13: management_baseline.groups.Auditors.may_assume.0.role: in account shop, Auditors cannot assume Audit as granted:"
        " trust policy of Audit does not allow arn:aws:iam::000000000000:user/member-of-Auditors;"
        " fix the trust or the denying policy, or drop the grant"
    ]


@pytest.mark.parametrize("organization_id", ["o-a1b2c3d4e5", ["o-a1b2c3d4e5"]])
def test_a_data_perimeter_naming_the_organization_is_no_lockout(tmp_path, organization_id):
    # AWS's identity perimeter: only principals of this organization may use STS and S3. Offline the
    # organization has no ID yet; the one the policy names (a string or a list) stands for it.
    perimeter = {
        "Sid": "OnlyOurOrganization", "Effect": "Deny", "Principal": "*", "Action": ["sts:*", "s3:*"], "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": organization_id}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}},
    }  # fmt: skip
    text = SPEC + ROLES + "policies:\n" + scp("perimeter", "Root", perimeter, kind="RESOURCE_CONTROL_POLICY")[0]
    assert load_spec(write(tmp_path, text, {"policies/perimeter.json": document(perimeter)}))


def test_an_scp_demanding_mfa_of_every_session_stops_the_stack_sets(tmp_path):
    mfa_only = {
        "Sid": "MfaOnly",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    }
    found = check(tmp_path, scp("mfa-only", "Root", mfa_only), extra=ROLES)
    assert any("StackSet orgboot-role-ReadOnly cannot deploy" in p and "statement 'MfaOnly' denies it" in p for p in found), found


def test_the_shortest_mfa_age_a_trust_allows_admits_a_person_just_signed_in(tmp_path):
    """mfa_max_age_seconds: 60 is allowed; a grant under it must still work."""
    roles = "member_roles:\n  catalogue:\n    Admin: {trust: {mfa_max_age_seconds: 60}, targets: [Workloads]}\n"
    grant = "management_baseline:\n  groups:\n    Admins: {may_assume: [{role: Admin, ous: [Workloads]}]}\n"
    assert load_spec(write(tmp_path, SPEC + roles + grant))


def test_a_group_policys_deny_is_reported_at_the_grant_even_beside_a_namesake_organization_policy(tmp_path):
    """A group's inline policy is named '<group>-<file>'; an organization policy may have that key
    too, but the denying statement is the group's, so the finding points at the grant."""
    deny = {"Sid": "NoAudit", "Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}
    grant = (
        "management_baseline:\n  groups:\n"
        "    Auditors: {inline_policies: [policies/no-audit.json], may_assume: [{role: Audit, ous: [Workloads]}]}\n"
    )
    everything = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    namesake = scp("Auditors-no-audit", "Root", everything)
    text = SPEC + ROLES + grant + "policies:\n" + namesake[0]
    found = problems(tmp_path, text, {**namesake[1], "policies/no-audit.json": document(deny)})
    assert found == [
        "org.yaml:13: management_baseline.groups.Auditors.may_assume.0.role: in account shop, Auditors cannot assume Audit as granted:"
        " policy Auditors-no-audit: statement 'NoAudit' denies it; fix the trust or the denying policy, or drop the grant"
    ]


BREAK_GLASS = "management_baseline:\n  groups:\n    Responders: {break_glass: [{role: OrganizationAccountAccessRole}]}\n"


def test_a_break_glass_grant_a_policy_refuses_is_reported_at_the_denying_statement(tmp_path):
    # Only orgboot's deployer may assume the access role: the management account still reaches the
    # account, but the responders granted break-glass do not.
    only_the_deployer = {
        "Sid": "OnlyTheDeployer", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
        "Resource": "arn:aws:iam::*:role/OrganizationAccountAccessRole",
        "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/orgboot-deployer"}},
    }  # fmt: skip
    found = check(tmp_path, scp("only-deployer", "Workloads", only_the_deployer, kind="RESOURCE_CONTROL_POLICY"), extra=BREAK_GLASS)
    assert found == [
        "policies/only-deployer.json:4: Statement.0: in account shop, Responders cannot assume"
        " OrganizationAccountAccessRole as granted for break-glass: RCP only-deployer attached to OU Workloads: statement"
        " 'OnlyTheDeployer' denies it; fix the trust or the denying policy, or drop the grant"
    ]


def test_every_guardrail_of_the_library_lets_orgboot_deploy_and_break_glass_reach_every_account(tmp_path):
    """Each guardrail exempts only what it must, and that is enough: the StackSets deploy the member
    roles everywhere (their region too, which region-deny does not allow), break-glass is granted
    and acts in every account, quarantined ones included, and the everyday grants work."""
    from orgboot.policy.guardrails import REGISTRY

    targets = {"quarantine": "Suspended"}
    guardrails = "".join(
        f"  {name}: {{targets: [{targets.get(name, 'Root')}]" + (", allowed_regions: [eu-west-1]" if name == "region-deny" else "") + "}\n"
        for name in REGISTRY
    )
    grants = BREAK_GLASS.replace("Responders: {", "Responders: {may_assume: [{role: ReadOnly}], ")
    spec = load_spec(write(tmp_path, SPEC + ROLES + grants + "guardrails:\n" + guardrails))
    assert set(spec.guardrails) == set(REGISTRY)
    assert spec.member_roles.rollout.region not in spec.guardrails["region-deny"].allowed_regions  # type: ignore[attr-defined]
