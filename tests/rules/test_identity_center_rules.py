"""Rules on identity_center: what IAM Identity Center would refuse of a permission set (inline policy
size, managed policies per set), what fits in the assignment stacks, entries that do nothing
(warnings), the policy lint on the inline policy, exemptions by permission set, and moving
assignments between stacks (a change)."""

import json

import pytest

from orgboot.rules import load_spec, warnings
from tests.rules.test_change_rules import change
from tests.spec.test_loader import problems, write

ORG = """\
emulator_only: true
organization:
  policy_types: [SERVICE_CONTROL_POLICY]
organizational_units: [Workloads/Prod, Security, Sandbox]
accounts:
  shop-prod: {name: Shop Prod, email: shop-prod@example.com, ou: Workloads/Prod}
  audit: {name: Audit, email: audit@example.com, ou: Security}
"""


def center(permission_sets: str, assignments: str = "    - {group: Platform, permission_set: Admin, targets: [Root]}\n") -> str:
    return f"identity_center:\n  region: eu-west-1\n  permission_sets:\n{permission_sets}  assignments:\n{assignments}"


ADMIN = "    Admin: {managed_policies: [AdministratorAccess]}\n"


def warned(tmp_path, text: str, files: dict[str, str] | None = None) -> list[str]:
    path = write(tmp_path, text, files)
    return [str(found).replace(f"{tmp_path}/", "") for found in warnings(path, load_spec(path))]


def inline_policy_of_size(size: int) -> str:
    """A policy `size` characters long minified, written indented (whitespace AWS does not count)."""
    condition = {"StringEquals": {"aws:PrincipalArn": ""}}
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": condition}],
    }
    condition["StringEquals"]["aws:PrincipalArn"] = "x" * (size - len(json.dumps(document, separators=(",", ":"))))
    return json.dumps(document, indent=4)


@pytest.mark.parametrize(("size", "refused"), [(10_240, False), (10_241, True)])
def test_the_inline_policy_limit_counts_no_whitespace_and_is_inclusive(tmp_path, size, refused):
    text = ORG + center("    Admin: {inline_policy: policies/admin.json}\n")
    files = {"policies/admin.json": inline_policy_of_size(size)}
    assert len(files["policies/admin.json"]) > 10_240  # as written, it is longer: the indentation does not count
    if refused:
        assert problems(tmp_path, text, files) == [
            f"org.yaml:11: identity_center.permission_sets.Admin.inline_policy: 'policies/admin.json' is {size} characters without"
            " whitespace; IAM Identity Center allows 10240 in a permission set's inline policy: move statements into"
            " customer_managed_policies (or AWS managed ones)"
        ]
    else:
        assert load_spec(write(tmp_path, text, files)).identity_center is not None


def test_the_inline_policy_is_linted_at_its_file_and_line(tmp_path):
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]}
    text = ORG + center("    Admin: {inline_policy: policies/admin.json}\n")
    assert problems(tmp_path, text, {"policies/admin.json": json.dumps(document, indent=2)}) == [
        "{tmp}/policies/admin.json:6: Statement.0.Action: unknown action 's3:GetObjekt' (did you mean 's3:GetObject'?)"
        " [identity_center.permission_sets.Admin.inline_policy]".replace("{tmp}", str(tmp_path))
    ]


def managed(count: int, customer: int = 0) -> str:
    aws = ", ".join(["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "SecurityAudit", "job-function/ViewOnlyAccess"][:count])
    customers = ", ".join(f"{{name: p{n}}}" for n in range(customer))
    return f"    Admin: {{managed_policies: [{aws}], customer_managed_policies: [{customers}]}}\n"


def test_at_most_20_managed_policies_of_both_kinds(tmp_path):
    assert problems(tmp_path, ORG + center(managed(5, 16))) == [
        "org.yaml:11: identity_center.permission_sets.Admin.managed_policies: 5 AWS managed and 16 customer managed policies;"
        " IAM Identity Center attaches at most 20 of both together to a permission set: combine some into the inline policy or"
        " a customer managed policy"
    ]
    assert load_spec(write(tmp_path, ORG + center(managed(5, 15)))).identity_center is not None


def test_more_than_iams_default_10_per_role_is_a_warning(tmp_path):
    assert warned(tmp_path, ORG + center(managed(5, 5))) == []
    assert warned(tmp_path, ORG + center(managed(5, 6))) == [
        "org.yaml:11: identity_center.permission_sets.Admin.managed_policies: 11 managed policies (AWS and customer managed);"
        " IAM attaches 10 to a role by default, and the permission set is a role in each account it is assigned in: raise the"
        " IAM quota 'Managed policies per role' in each of them first, or provisioning fails there"
    ]


def test_a_permission_set_nobody_is_assigned_is_a_warning(tmp_path):
    text = ORG + center(ADMIN + "    ReadOnly: {managed_policies: [ReadOnlyAccess]}\n")
    assert warned(tmp_path, text) == [
        "org.yaml:12: identity_center.permission_sets.ReadOnly: permission set 'ReadOnly' is in no assignment: it is created but"
        " gives nobody access; assign it to a group under identity_center.assignments, or remove it"
    ]


def test_an_assignment_that_reaches_no_account_is_a_warning(tmp_path):
    text = ORG + center(
        ADMIN,
        "    - {group: Platform, permission_set: Admin, targets: [Root]}\n    - {group: Lab, permission_set: Admin, targets: [Sandbox]}\n",
    )
    assert warned(tmp_path, text) == [
        "org.yaml:14: identity_center.assignments.1.targets: Sandbox hold no account: Lab gets Admin nowhere until an account is"
        " added there"
    ]
    assert warned(tmp_path, text.replace("targets: [Sandbox]", "targets: [management]")) == []


MANY = ORG + "".join(f"  a{n:03d}: {{name: A{n:03d}, email: a{n:03d}@example.com, ou: Security}}\n" for n in range(228))
TWO_GROUPS = "    - {group: Platform, permission_set: Admin, targets: [Root]}\n    - {group: Ops, permission_set: Admin, targets: [Root]}\n"


def test_one_assignment_stack_holds_450_at_most_and_validate_says_how_many_stacks(tmp_path):
    """230 accounts, two groups each: 460 AWS::SSO::Assignment resources in one stack."""
    assert problems(tmp_path, MANY + center(ADMIN, TWO_GROUPS)) == [
        "org.yaml:240: identity_center.assignments: IdentityCenterAssignments would hold 460 assignments (one per account, group"
        " and permission set); CloudFormation allows 500 resources per stack and orgboot keeps 450 for room to grow: spread them"
        " over stacks with identity_center.assignment_stacks: 3 (set it once: see docs/scale.md)"
    ]
    spread = MANY + center(ADMIN, TWO_GROUPS).replace("  region: eu-west-1\n", "  region: eu-west-1\n  assignment_stacks: 3\n")
    assert load_spec(write(tmp_path, spread)).identity_center is not None


def test_a_full_shard_asks_for_more_stacks(tmp_path):
    spread = MANY + center(ADMIN, TWO_GROUPS).replace("  region: eu-west-1\n", "  region: eu-west-1\n  assignment_stacks: 1\n")
    assert problems(tmp_path, spread) == [
        "org.yaml:238: identity_center.assignment_stacks: IdentityCenterAssignments01 would hold 460 assignments, more than 450:"
        " more assignment stacks are needed (3 for 460 assignments), and changing assignment_stacks moves assignments between"
        " stacks: a migration (docs/scale.md)"
    ]


def test_assigned_permission_sets_fit_in_the_outputs_of_identity_center_stack(tmp_path):
    sets = "".join(f"    S{n}: {{managed_policies: [ReadOnlyAccess]}}\n" for n in range(201))
    assignments = "".join(f"    - {{group: G, permission_set: S{n}, targets: [audit]}}\n" for n in range(201))
    assert problems(tmp_path, ORG + center(sets, assignments)) == [
        "org.yaml:212: identity_center.assignments: 201 permission sets are assigned; each reaches the assignment stacks as an"
        " output of IdentityCenterStack, and CloudFormation allows 200 outputs per stack: merge permission sets"
    ]


def test_a_guardrail_exempts_declared_permission_sets_only(tmp_path):
    guardrails = "guardrails:\n  deny-iam-users: {exempt_permission_sets: [Admn], targets: [Workloads]}\n"
    assert problems(tmp_path, ORG + guardrails + center(ADMIN)) == [
        "org.yaml:9: guardrails.deny-iam-users.exempt_permission_sets.0: permission set 'Admn' is not declared (did you mean"
        " 'Admin'?) (declared: Admin); give a key of identity_center.permission_sets"
    ]


def test_an_exempt_permission_set_is_protected_like_an_exempt_role(tmp_path):
    """A permission set's role exempted is a way around the guardrail for whoever could create one of
    its name and path: protect-orgboot-roles protects it, and validate asks for it."""
    guardrails = "guardrails:\n  deny-iam-users: {exempt_permission_sets: [Admin], targets: [Workloads]}\n"
    (found,) = problems(tmp_path, ORG + guardrails + center(ADMIN))
    assert found.startswith(
        "org.yaml:9: guardrails.deny-iam-users: guardrail deny-iam-users exempts"
        " aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_* by name in Workloads"
    )
    assert found.endswith("add protect-orgboot-roles with targets [Workloads] or an ancestor of it (Root)")
    protected = guardrails + "  protect-orgboot-roles: {targets: [Root]}\n"
    spec = load_spec(write(tmp_path, ORG + protected + center(ADMIN)))
    statements = [s for policy in spec.organization_policies.values() for s in policy.document.content["Statement"]]
    protecting = next(s for s in statements if s["Sid"] == "ProtectMemberRoles")
    assert protecting["Resource"] == ["arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*"]


SPREAD_BASE = ORG + center(ADMIN)


def test_changing_assignment_stacks_moves_assignments_and_is_refused(tmp_path):
    head = SPREAD_BASE.replace("  region: eu-west-1\n", "  region: eu-west-1\n  assignment_stacks: 2\n")
    (found,) = change(tmp_path, SPREAD_BASE, head)
    assert found.startswith(
        "org.yaml:10: identity_center.assignment_stacks: changing assignment_stacks from none to 2 moves the assignments of 2"
        " accounts to another stack: audit (IdentityCenterAssignments -> IdentityCenterAssignments0"
    )
    assert found.endswith(
        "If you mean it, acknowledge it in org.yaml with the reason: `acknowledged_changes: {assignment-stacks-changed:none->2:"
        " <why>}` (or for one run: --allow-account-moves)"
    )
    assert [line[:22] for line in change(tmp_path / "again", SPREAD_BASE, head, ["allow_account_moves"])] == ["accepted: org.yaml:10:"]
    acknowledged = head + "acknowledged_changes:\n  assignment-stacks-changed:none->2: migrated (PR 7)\n"
    (accepted,) = change(tmp_path / "ack", SPREAD_BASE, acknowledged)
    assert accepted.endswith("Acknowledged in org.yaml (assignment-stacks-changed:none->2): migrated (PR 7)")


def test_setting_assignment_stacks_with_identity_center_itself_moves_nothing(tmp_path):
    head = SPREAD_BASE.replace("  region: eu-west-1\n", "  region: eu-west-1\n  assignment_stacks: 2\n")
    assert change(tmp_path, ORG, head) == []
    assert change(tmp_path / "same", head, head) == []


def test_exempting_a_set_whose_name_another_continues_is_a_warning(tmp_path):
    guardrails = "guardrails:\n  deny-iam-users: {exempt_permission_sets: [Admin], targets: [Workloads]}\n"
    guardrails += "  protect-orgboot-roles: {targets: [Root]}\n"
    sets = ADMIN + "    Admin_Old: {managed_policies: [ReadOnlyAccess]}\n    AdminRead: {managed_policies: [ReadOnlyAccess]}\n"
    assignments = "".join(f"    - {{group: G, permission_set: {name}, targets: [Root]}}\n" for name in ("Admin", "Admin_Old", "AdminRead"))
    assert warned(tmp_path, ORG + guardrails + center(sets, assignments)) == [
        "org.yaml:9: guardrails.deny-iam-users.exempt_permission_sets.0: exempting Admin exempts Admin_Old too: their roles"
        " (AWSReservedSSO_Admin_Old_...) match arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*, as AWS"
        " picks the suffix after the name; exempt them knowingly or give the permission sets names that do not continue one"
        " another with '_'"
    ]


def test_a_permission_set_goes_only_after_its_assignments(tmp_path):
    reader = "    Reader: {managed_policies: [ReadOnlyAccess]}\n"
    both = "    - {group: Platform, permission_set: Admin, targets: [Root]}\n    - {group: Auditors, permission_set: Reader, targets: [Security]}\n"
    base = ORG + center(ADMIN + reader, both)
    (found,) = change(tmp_path, base, ORG + center(ADMIN))
    assert found.endswith(
        "identity_center.permission_sets: permission set 'Reader' is removed while what is deployed assigns it (audit):"
        " IdentityCenterStack deploys before the assignment stacks and would delete the set while it is still assigned."
        " First remove its assignments and deploy, then remove the permission set"
    )
    unassigned = ORG + center(ADMIN + reader)
    assert change(tmp_path / "first", base, unassigned) == []  # the assignments go first
    assert change(tmp_path / "then", unassigned, ORG + center(ADMIN)) == []  # then the set
    (whole,) = change(tmp_path / "whole", base, ORG)
    assert whole.endswith(
        "identity_center: identity_center is removed while what is deployed assigns permission sets: `cdk deploy --all`"
        " deletes no stack, so IdentityCenterStack and the assignment stacks would stay as they are. First empty assignments"
        " and permission_sets and deploy, then remove the section and delete those stacks (docs/identity-center.md)"
    )
