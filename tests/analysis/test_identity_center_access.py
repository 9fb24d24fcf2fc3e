"""IAM Identity Center in the access matrix (issue 26, point 2): each Identity Center group's
permission sets, the accounts its assignments reach, what the organization policies leave of the
role there, and what exempts it: from a spec offline, and from what AWS holds."""

import json
from types import MappingProxyType

import pytest

from orgboot.analysis.access import Access, Denial, Exemption, spec_access, state_access
from orgboot.analysis.offline import OfflineOrganization
from orgboot.analysis.residual import PROBES
from orgboot.aws.identity_center import role_arn_pattern
from orgboot.policy.guardrails.guardrail import Exemptable
from orgboot.rules import load_spec
from orgboot.state.baseline import Baseline
from orgboot.state.identity_center import GROUP, AssignmentView, IdentityCenterView, PermissionSetView, Principal
from orgboot.state.member_roles import RoleView
from orgboot.state.organization import Node, Organization
from tests.spec.test_loader import write

EVERY = len(PROBES)
READS = 10  # of PROBES, what ReadOnlyAccess allows

# Two workload OUs, people in Identity Center only: the platform team administers everything (and
# the management account), developers build in Dev and look in Prod, and one account is assigned
# by its key.
SPEC = """\
emulator_only: true
organization:
  policy_types: [SERVICE_CONTROL_POLICY]
organizational_units: [Workloads/Prod, Workloads/Dev, Sandbox]
accounts:
  prod: {name: Prod, email: aws+prod@example.com, ou: Workloads/Prod}
  dev: {name: Dev, email: aws+dev@example.com, ou: Workloads/Dev}
  play: {name: Play, email: aws+play@example.com, ou: Sandbox}
policies:
  prod-freeze: {type: SERVICE_CONTROL_POLICY, document: policies/prod-freeze.json, targets: [Workloads/Prod]}
identity_center:
  region: eu-west-1
  permission_sets:
    PlatformAdmin: {managed_policies: [AdministratorAccess]}
    ReadOnly: {managed_policies: [ReadOnlyAccess]}
    Builder: {managed_policies: [PowerUserAccess], permissions_boundary: {managed_policy: PowerUserAccess}}
  assignments:
    - {group: Platform, permission_set: PlatformAdmin, targets: [Workloads, management]}
    - {group: Developers, permission_set: Builder, targets: [Workloads/Dev]}
    - {group: Developers, permission_set: ReadOnly, targets: [Workloads/Prod, play]}
"""

NOTHING_DENIED = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]}


# Break-glass and orgboot's StackSets stay exempt from a freeze (else: a lockout, refused).
ORGBOOT = ["arn:aws:iam::*:role/OrganizationAccountAccessRole", "arn:aws:iam::*:role/stacksets-exec-*"]


def freeze(*exempt: str) -> dict:
    """A change freeze: every action denied, to everyone but orgboot and the roles `exempt` names."""
    condition = {"ArnNotLike": {"aws:PrincipalArn": [*ORGBOOT, *exempt]}}
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "ChangeFreeze", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": condition}],
    }


def spec_with(tmp_path, document=NOTHING_DENIED, text=SPEC, files=None):
    return load_spec(write(tmp_path, text, {"policies/prod-freeze.json": json.dumps(document), **(files or {})}))


def identity_center_rows(spec):
    return [row for row in spec_access(spec) if row.identity_center]


def test_each_group_reaches_its_permission_sets_where_they_are_assigned(tmp_path):
    assert identity_center_rows(spec_with(tmp_path)) == [
        # the management account is a row of its own: no SCP applies there
        Access("Platform", "PlatformAdmin", (), management=True, identity_center=True),
        Access("Platform", "PlatformAdmin", ("Dev", "Prod"), identity_center=True),  # Workloads: both OUs below
        Access("Developers", "Builder", ("Dev",), identity_center=True),
        Access("Developers", "ReadOnly", ("Play", "Prod"), identity_center=True),  # an OU and an account by its key
    ]
    row = identity_center_rows(spec_with(tmp_path))[0]
    assert row.source == "Identity Center group"


def test_the_provisioned_roles_carry_the_identity_center_path_and_trust_only_saml(tmp_path):
    """AWSReservedSSO_<set>_<suffix> under /aws-reserved/sso.amazonaws.com/eu-west-1/ (the instance
    is outside us-east-1); no IAM group can assume it, so IAM groups' rows never show it."""
    offline = OfflineOrganization(spec_with(tmp_path))
    prod = next(account for account in offline.accounts if account.key == "prod")
    role = prod.permission_set_role("PlatformAdmin")
    assert role is not None
    assert role.name.startswith("AWSReservedSSO_PlatformAdmin_")
    assert len(role.name) == len("AWSReservedSSO_PlatformAdmin_") + 16
    assert role.arn(prod.id) == f"arn:aws:iam::{prod.id}:role/aws-reserved/sso.amazonaws.com/eu-west-1/{role.name}"
    assert prod.assignments == (("Developers", "ReadOnly"), ("Platform", "PlatformAdmin"))
    assert [statement.principals and dict(statement.principals.by_type) for statement in role.trust.statements][0] == {
        "Federated": (f"arn:aws:iam::{prod.id}:saml-provider/AWSSSO_0000000000000000_DO_NOT_DELETE",)
    }
    # an account that joins Workloads/Dev later gets what its OU is assigned
    stand_in = next(account for account in offline.placeholders if account.ou == "Workloads/Dev")
    assert stand_in.assignments == (("Developers", "Builder"), ("Platform", "PlatformAdmin"))
    # `play` is assigned by its key: it cannot be decided by the Sandbox stand-in, which has nothing
    assert [account.key for account in offline.distinct] == ["play"]
    assert next(a for a in offline.placeholders if a.ou == "Sandbox").assignments == ()
    # the management account's
    assert [r.permission_set for r in offline.management_roles.values()] == ["PlatformAdmin"]


def test_a_deny_all_freeze_shows_as_denied_where_it_applies(tmp_path):
    rows = identity_center_rows(spec_with(tmp_path, freeze()))
    by_set = {(row.group, row.role, row.management): row for row in rows}
    assert by_set[("Platform", "PlatformAdmin", False)].denied == (Denial(("SCP prod-freeze",), EVERY, EVERY, ("Prod",)),)
    assert by_set[("Developers", "ReadOnly", False)].denied == (Denial(("SCP prod-freeze",), READS, READS, ("Prod",)),)
    assert by_set[("Developers", "ReadOnly", False)].denied[0].label == "denied by SCP prod-freeze"
    assert by_set[("Developers", "Builder", False)].denied == ()  # Dev is not frozen
    assert by_set[("Platform", "PlatformAdmin", True)].denied == ()  # nor is the management account, ever


def test_a_freeze_exempts_a_permission_set_by_its_role_arn_pattern_path_and_all(tmp_path):
    """The exemption must name the path: aws:PrincipalArn is the role's ARN with its path."""
    rows = identity_center_rows(spec_with(tmp_path, freeze(role_arn_pattern("PlatformAdmin"))))
    admin = next(row for row in rows if row.role == "PlatformAdmin" and not row.management)
    assert (admin.denied, admin.exempt_from) == ((), (Exemption("SCP", "prod-freeze", ("Prod",)),))
    read_only = next(row for row in rows if row.role == "ReadOnly")
    assert read_only.denied
    assert read_only.exempt_from == ()
    # Without the path, the same name exempts nobody: the role is frozen like any other.
    rows = identity_center_rows(spec_with(tmp_path, freeze("arn:aws:iam::*:role/AWSReservedSSO_PlatformAdmin_*")))
    admin = next(row for row in rows if row.role == "PlatformAdmin" and not row.management)
    assert admin.exempt_from == ()
    assert admin.denied[0].everything


@pytest.mark.skipif("exempt_permission_sets" not in Exemptable.model_fields, reason="guardrails' exempt_permission_sets not there yet")
def test_a_guardrail_exempts_the_permission_sets_it_names(tmp_path):
    text = SPEC.replace(
        "identity_center:", "guardrails:\n  quarantine: {targets: [Sandbox], exempt_permission_sets: [ReadOnly]}\nidentity_center:"
    )
    rows = identity_center_rows(spec_with(tmp_path, text=text))
    read_only = next(row for row in rows if row.role == "ReadOnly")
    assert read_only.exempt_from == (Exemption("guardrail", "quarantine", ("Play",)),)
    assert read_only.denied == ()


def test_customer_managed_policies_are_unknown_offline_and_allow_nothing(tmp_path):
    text = SPEC.replace(
        "    ReadOnly: {managed_policies: [ReadOnlyAccess]}",
        "    ReadOnly: {customer_managed_policies: [{name: team-read, path: /teams/}]}",
    )
    offline = OfflineOrganization(spec_with(tmp_path, text=text))
    role = next(a for a in offline.accounts if a.key == "prod").permission_set_role("ReadOnly")
    assert role is not None
    assert [(p.ref.name, p.statements) for p in role.identity] == [("/teams/team-read (customer managed, unknown offline)", ())]


# From AWS: the state view of state/identity_center.py -------------------------------------------

ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
SAML = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111111111111:saml-provider/AWSSSO_ab_DO_NOT_DELETE"},
        "Action": "sts:AssumeRoleWithSAML"}]}  # fmt: skip


NO_BASELINE = Baseline(None, None, [], {}, [], {}, {}, [])


def _organization():
    deny_all = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    prod = Node("111111111111", "Prod", "account", {"SERVICE_CONTROL_POLICY": ["FullAWSAccess", "prod-freeze"]})
    dev = Node("222222222222", "Dev", "account", {"SERVICE_CONTROL_POLICY": ["FullAWSAccess"]})
    root = Node("r-1", "Root", "root", {"SERVICE_CONTROL_POLICY": ["FullAWSAccess"]}, [prod, dev], path="Root")
    documents = {"FullAWSAccess": ADMIN, "prod-freeze": deny_all}
    return Organization("o-1", "999999999999", ["SERVICE_CONTROL_POLICY"], root, documents)


def test_the_deployed_matrix_reads_the_assignments_and_the_provisioned_roles():
    """The role read from the account when there is one; the permission set's policies otherwise."""
    platform = Principal(GROUP, "g-1", "Platform")
    sets = {"PlatformAdmin": PermissionSetView("PlatformAdmin", "arn:aws:sso:::permissionSet/ssoins-1/ps-1",
                                               managed_policies=("arn:aws:iam::aws:policy/AdministratorAccess",))}  # fmt: skip
    view = IdentityCenterView(
        "eu-west-1", "arn:aws:sso:::instance/ssoins-1", "d-1", MappingProxyType(sets),
        tuple(AssignmentView(account, "PlatformAdmin", platform) for account in ("111111111111", "222222222222", "999999999999")),
    )  # fmt: skip
    read = {"111111111111": {"AWSReservedSSO_PlatformAdmin_0123456789abcdef": RoleView(SAML, (("AdministratorAccess", ADMIN),))}}
    rows = state_access(NO_BASELINE, _organization(), read, view)
    assert rows == [
        Access("Platform", "PlatformAdmin", (), management=True, identity_center=True),
        Access("Platform", "PlatformAdmin", ("Dev", "Prod"), denied=(Denial(("SCP prod-freeze",), EVERY, EVERY, ("Prod",)),),
               identity_center=True),
    ]  # fmt: skip
    assert state_access(NO_BASELINE, _organization(), read) == []  # Identity Center not read: no rows
