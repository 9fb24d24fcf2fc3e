"""Access that says the whole truth: a grant the organization policies leave nothing of, an
exemption naming a role nobody has (warnings), and a role exempted by name that anyone could create
(an error)."""

import json

import pytest

from orgboot.policy.guardrails import REGISTRY
from orgboot.rules import load_spec, warnings
from orgboot.spec import SpecError
from tests.spec.test_loader import write

FREEZE_SPEC = """\
emulator_only: true
organization:
  policy_types: [SERVICE_CONTROL_POLICY]
organizational_units: [Workloads/Prod, Workloads/Dev]
accounts:
  prod: {name: Prod, email: aws+prod@example.com, ou: Workloads/Prod}
  dev: {name: Dev, email: aws+dev@example.com, ou: Workloads/Dev}
policies:
  prod-freeze: {type: SERVICE_CONTROL_POLICY, document: policies/prod-freeze.json, targets: [Workloads/Prod]}
guardrails:
  protect-orgboot-roles: {targets: [Root]}
management_baseline:
  groups:
    PlatformAdmins:
      may_assume: [{role: Admin, ous: [Workloads]}]
    Developers:
      may_assume: [{role: ReadOnly, ous: [Workloads]}]
    BreakGlass:
      break_glass: [{role: OrganizationAccountAccessRole}]
member_roles:
  catalogue:
    Admin: {managed_policies: [AdministratorAccess], targets: [Workloads]}
    ReadOnly: {managed_policies: [ReadOnlyAccess], targets: [Workloads]}
"""

EXEMPT = ["arn:aws:iam::*:role/OrganizationAccountAccessRole", "arn:aws:iam::*:role/stacksets-exec-*", "arn:aws:iam::*:role/ChangeManager"]


def freeze(denied="*", exempt=EXEMPT):
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "ChangeFreeze", "Effect": "Deny", "Action": denied, "Resource": "*",
        "Condition": {"ArnNotLike": {"aws:PrincipalArn": exempt}}}]}  # fmt: skip


def warned(tmp_path, text=FREEZE_SPEC, document=None):
    path = write(tmp_path, text, {"policies/prod-freeze.json": json.dumps(document or freeze(), indent=2)})
    return [str(found).replace(f"{tmp_path}/", "") for found in warnings(path, load_spec(path))]


def test_a_change_freeze_that_leaves_a_grant_nothing_is_a_warning_at_the_grant(tmp_path):
    found = warned(tmp_path)
    developers = [w for w in found if "Developers' grant" in w]
    assert developers == [
        "org.yaml:17: management_baseline.groups.Developers.may_assume.0.role: Developers' grant of ReadOnly in account prod"
        " (Workloads/Prod) is denied every probed action by SCP prod-freeze: the grant gives nothing there"
        " (10 actions its policies allow probed)"
    ]
    assert len(developers) == 1  # Workloads/Dev is not frozen: nothing to say there
    admins = [w for w in found if "PlatformAdmins' grant" in w]
    assert len(admins) == 1
    assert "of Admin in account prod (Workloads/Prod) is denied every probed action by SCP prod-freeze" in admins[0]
    # Break-glass is exempt: it keeps everything.
    assert not [w for w in found if "BreakGlass" in w]


def test_a_grant_left_next_to_nothing_is_warned_of_and_one_left_its_reads_is_not(tmp_path):
    """A freeze that leaves only IAM's List actions leaves one probed action in ten or twenty: next
    to nothing. A freeze of writes leaves ReadOnly whole and Admin its reads: nothing to warn of."""
    lists_only = freeze(exempt=EXEMPT[:2])
    lists_only["Statement"][0] = {**{k: v for k, v in lists_only["Statement"][0].items() if k != "Action"}, "NotAction": "iam:List*"}
    found = [w for w in warned(tmp_path, document=lists_only) if "grant of" in w]
    assert [w.split(": ", 2)[2] for w in found] == [
        "PlatformAdmins' grant of Admin in account prod (Workloads/Prod) is denied 19 of the 20 probed actions its policies"
        " allow, by SCP prod-freeze: the grant gives next to nothing there",
        "Developers' grant of ReadOnly in account prod (Workloads/Prod) is denied 9 of the 10 probed actions its policies"
        " allow, by SCP prod-freeze: the grant gives next to nothing there",
    ]
    writes = ["s3:Put*", "s3:Delete*", "ec2:Create*", "dynamodb:PutItem", "lambda:Update*", "sqs:Send*", "sns:Publish",
              "logs:Create*", "ssm:Put*", "cloudformation:Create*", "iam:Create*"]  # fmt: skip
    assert not [w for w in warned(tmp_path, document=freeze(writes, EXEMPT[:2])) if "grant of" in w]


def test_an_exemption_naming_a_role_no_account_has_is_a_warning_at_the_statement(tmp_path):
    found = [w for w in warned(tmp_path) if "ChangeManager" in w]
    assert len(found) == 1
    # At the value naming the role (line 14 of the file), not at the aws:PrincipalArn key above it (line 11).
    assert found[0].startswith("policies/prod-freeze.json:14: Statement.0.Condition.ArnNotLike.aws:PrincipalArn.2: ")
    assert "SCP prod-freeze exempts arn:aws:iam::*:role/ChangeManager, a role no account has" in found[0]
    assert found[0].endswith(", and AWS creates service-linked and IAM Identity Center roles besides; a misspelt name exempts nobody")
    # It names what orgboot deploys, to compare with.
    for known in ("Admin", "ReadOnly", "OrganizationAccountAccessRole", "stacksets-exec-*"):
        assert known in found[0]
    # The other two patterns match roles orgboot deploys (the StackSets' by wildcard).
    assert not [w for w in warned(tmp_path) if "exempts arn:aws:iam::*:role/stacksets-exec-*" in w]


def test_a_guardrail_exempting_a_role_no_account_has_is_a_warning_at_the_parameter(tmp_path):
    text = FREEZE_SPEC.replace(
        "  protect-orgboot-roles: {targets: [Root]}\n",
        "  protect-orgboot-roles: {targets: [Root]}\n  deny-iam-users: {exempt_roles: [IdentityTeam, Admin], targets: [Workloads]}\n",
    )
    found = [w for w in warned(tmp_path, text, freeze(exempt=EXEMPT[:2])) if "IdentityTeam" in w]
    assert len(found) == 1
    assert found[0].startswith("org.yaml:12: guardrails.deny-iam-users.exempt_roles.0: guardrail deny-iam-users exempts IdentityTeam,")


def test_the_example_has_nothing_to_warn_about_access_though_a_quarantine_takes_everything(example_spec):
    """The example's Suspended OU is quarantined, which takes everything from Admins' and Auditors'
    ReadOnly there: what the quarantine is for, so not warned of; the matrix shows it."""
    from orgboot.rules import WARNING_RULES
    from orgboot.rules.access import grants_leave_something
    from orgboot.rules.exemptions import exemptions_name_known_roles
    from tests.conftest import EXAMPLE

    assert {grants_leave_something, exemptions_name_known_roles} <= set(WARNING_RULES)
    assert [str(w) for w in warnings(EXAMPLE, example_spec) if "grant of" in str(w) or "a role no account has" in str(w)] == []


# Point 2: a role exempted by name must be protected where it is exempted ------------------------

REGION_SPEC = """\
emulator_only: true
organization:
  policy_types: [SERVICE_CONTROL_POLICY]
organizational_units: [Workloads, Security]
accounts:
  shop: {name: Shop, email: aws+shop@example.com, ou: Workloads}
guardrails:
  region-deny: {allowed_regions: [eu-west-1], targets: [Workloads]}
"""


def refused(tmp_path, text):
    with pytest.raises(SpecError) as caught:
        load_spec(write(tmp_path, text))
    return [str(problem).replace(f"{tmp_path}/", "") for problem in caught.value.problems]


def test_a_stack_sets_exemption_without_protection_is_refused_at_the_guardrail(tmp_path):
    """The rollout region (us-east-1) is not allowed: region-deny leaves it to stacksets-exec-*, a
    name any administrator of the account could give a role of their own."""
    found = [p for p in refused(tmp_path, REGION_SPEC) if "protect-orgboot-roles" in p]
    assert found == [
        "org.yaml:8: guardrails.region-deny: guardrail region-deny exempts stacksets-exec-* by name in Workloads, and nothing"
        " there stops an administrator of an account from creating a role of that name (iam:CreateRole on"
        " stacksets-exec-anything is allowed) and escaping the guardrail through it; add protect-orgboot-roles with"
        " targets [Workloads] or an ancestor of it (Root)"
    ]
    # Protection at an ancestor is protection.
    assert load_spec(write(tmp_path, REGION_SPEC + "  protect-orgboot-roles: {targets: [Root]}\n"))
    # So is a quarantine: inside it nobody but the exempt acts, so nobody can create the name.
    assert load_spec(write(tmp_path, REGION_SPEC.replace("region-deny: {allowed_regions: [eu-west-1], ", "quarantine: {")))


def test_protection_elsewhere_does_not(tmp_path):
    found = refused(tmp_path, REGION_SPEC + "  protect-orgboot-roles: {targets: [Security]}\n")
    assert [p for p in found if "exempts stacksets-exec-* by name in Workloads" in p]


def test_exempt_roles_of_ones_own_are_protected_by_protect_orgboot_roles(tmp_path):
    """A team's role exempted by `exempt_roles` is as much a way around the guardrail as orgboot's."""
    text = REGION_SPEC.replace("allowed_regions: [eu-west-1]", "allowed_regions: [us-east-1], exempt_roles: [NetworkTeam]")
    found = [p for p in refused(tmp_path, text) if "protect-orgboot-roles" in p]
    assert len(found) == 1
    assert "exempts NetworkTeam by name in Workloads" in found[0]
    spec = load_spec(write(tmp_path, text + "  protect-orgboot-roles: {targets: [Root]}\n"))
    # protect-orgboot-roles protects it, beside the member roles (none here); and its own exempt_roles too.
    (protection,) = [p for p in spec.organization_policies.values() if "protect-orgboot-roles" in p.document.path]
    (members,) = [st for st in protection.document.content["Statement"] if st["Sid"] == "ProtectMemberRoles"]
    assert members["Resource"] == ["arn:aws:iam::*:role/NetworkTeam"]
    alone = text.replace(
        "region-deny: {allowed_regions: [us-east-1], exempt_roles: [NetworkTeam]", "protect-orgboot-roles: {exempt_roles: [NetworkTeam]"
    )
    assert load_spec(write(tmp_path, alone))


GUARDRAIL_PARAMETERS = {"region-deny": "allowed_regions: [us-east-1], ", "protect-security-services": "services: [config], "}


# Each protects the names it exempts: nobody but the exempt acts inside a quarantine, and
# protect-orgboot-roles protects its own exempt_roles (test_exempt_roles_of_ones_own_...).
SELF_PROTECTING = ("quarantine", "protect-orgboot-roles")


@pytest.mark.parametrize(
    "name", sorted(n for n, g in REGISTRY.items() if "exempt_roles" in g.parameters.model_fields and n not in SELF_PROTECTING)
)
def test_protect_orgboot_roles_protects_every_name_every_guardrail_exempts(tmp_path, name):
    """Each guardrail with `exempt_roles`, on Workloads: refused alone, valid beside
    protect-orgboot-roles, whose statements must then cover the name."""
    entry = f"  {name}: {{{GUARDRAIL_PARAMETERS.get(name, '')}exempt_roles: [TeamRole], targets: [Workloads]}}\n"
    text = REGION_SPEC.replace("  region-deny: {allowed_regions: [eu-west-1], targets: [Workloads]}\n", entry)
    assert [p for p in refused(tmp_path, text) if f"guardrail {name} exempts TeamRole by name in Workloads" in p]
    assert load_spec(write(tmp_path, text + "  protect-orgboot-roles: {targets: [Root]}\n"))
