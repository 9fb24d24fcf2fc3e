"""orgboot simulate for people of IAM Identity Center (issue 26, point 2): "can the Developers group
delete a bucket in prod?" answered through the permission sets assigned to the group there; a
permission set as the role it is provisioned as; and a name that means two principals refused."""

import json

import pytest

from orgboot.analysis.simulate import SimulationError, simulate
from orgboot.aws.identity_center import role_arn_pattern
from orgboot.cli import main
from tests.analysis.test_identity_center_access import SPEC, freeze, spec_with

BUCKET = "arn:aws:s3:::shop-data"


def test_an_identity_center_group_answers_through_the_permission_sets_assigned_to_it_there(tmp_path):
    spec = spec_with(tmp_path)
    prod = simulate(spec, account="prod", principal="Developers", action="s3:DeleteBucket", resource=BUCKET)
    assert (prod.allowed, prod.summary) == (False, "denied through permission set ReadOnly")
    assert prod.principal == "Identity Center group Developers (one of its members)"
    assert [(route.role, route.identity_center, route.assume) for route in prod.routes] == [("ReadOnly", True, None)]
    dev = simulate(spec, account="dev", principal="Developers", action="s3:DeleteBucket", resource=BUCKET)
    assert (dev.allowed, dev.summary) == (True, "allowed through permission set Builder")
    # Builder's boundary (PowerUserAccess) keeps IAM out, however the set's policies read
    iam = simulate(spec, account="dev", principal="Developers", action="iam:CreateRole")
    assert (iam.allowed, iam.decision) == (False, "implicit_deny")
    # the management account: only what is assigned there, and never a request of their own
    home = simulate(spec, account="management", principal="Developers", action="s3:ListAllMyBuckets")
    assert (home.allowed, home.routes, home.summary) == (False, (), "no permission set is assigned to the group there")
    platform = simulate(spec, account="management", principal="Platform", action="iam:CreateUser")
    assert (platform.allowed, platform.summary) == (True, "allowed through permission set PlatformAdmin")


def test_a_federated_session_carries_no_mfa_keys(tmp_path):
    """Identity Center's sessions are federated: no aws:MultiFactorAuthPresent to fill in."""
    answer = simulate(spec_with(tmp_path), account="dev", principal="Developers", action="s3:GetObject", resource=f"{BUCKET}/key")
    assert not {"aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"} & {assumed.key for assumed in answer.assumed}


def test_a_permission_set_is_the_role_it_is_provisioned_as(tmp_path):
    spec = spec_with(tmp_path, freeze(role_arn_pattern("PlatformAdmin")))
    answer = simulate(spec, account="prod", principal="PlatformAdmin", action="s3:DeleteBucket", resource=BUCKET)
    assert answer.allowed
    assert not answer.through_roles
    assert answer.principal.startswith("permission set PlatformAdmin (role AWSReservedSSO_PlatformAdmin_")
    # the freeze would deny it: the exemption on the role's path let it through
    assert [escaped.label for escaped in answer.routes[0].escaped] == ["SCP prod-freeze would deny; permission set PlatformAdmin is exempt"]
    frozen = simulate(spec, account="prod", principal="ReadOnly", action="s3:GetObject", resource=f"{BUCKET}/key")
    assert frozen.decision == "explicit_deny"
    with pytest.raises(SimulationError, match=r"permission set Builder is not assigned in account prod.*\(assigned in: dev\)"):
        simulate(spec, account="prod", principal="Builder", action="s3:GetObject")


def test_a_name_that_means_two_principals_is_refused_and_a_prefix_says_which(tmp_path):
    both = (
        SPEC
        + """\
management_baseline:
  groups:
    Developers:
      may_assume: [{role: Viewer}]
member_roles:
  catalogue:
    Viewer: {managed_policies: [ReadOnlyAccess], targets: [Root]}
"""
    )
    spec = spec_with(tmp_path, text=both)
    with pytest.raises(SimulationError) as refused:
        simulate(spec, account="prod", principal="Developers", action="s3:GetObject")
    assert str(refused.value) == (
        "'Developers' names 2 principals here: say which, --principal iam-group:Developers (the group of the management"
        " baseline) or --principal ic-group:Developers (the Identity Center group)"
    )
    iam = simulate(spec, account="prod", principal="iam-group:Developers", action="s3:GetObject", resource=f"{BUCKET}/key")
    assert (iam.principal, iam.summary) == ("group Developers (one of its members)", "allowed as Viewer")
    # the IAM group's routes are its roles: Identity Center's roles trust only SAML, never a route of theirs
    assert [route.role for route in iam.routes] == ["OrganizationAccountAccessRole", "Viewer"]
    center = simulate(spec, account="prod", principal="ic-group:Developers", action="s3:GetObject", resource=f"{BUCKET}/key")
    assert center.summary == "allowed through permission set ReadOnly"
    with pytest.raises(SimulationError, match="no permission set Nope in identity_center.permission_sets"):
        simulate(spec, account="prod", principal="permission-set:Nope", action="s3:GetObject")


def test_the_command_line_names_the_permission_set_on_the_way(tmp_path, capsys):
    path = tmp_path / "org.yaml"
    spec_with(tmp_path)  # writes org.yaml and its policy
    argv = ["simulate", str(path), "--account", "prod", "--principal", "Developers", "--action", "s3:DeleteBucket", "--resource", BUCKET]
    assert main(argv) == 0
    shown = capsys.readouterr().out
    assert "deny: Identity Center group Developers (one of its members): denied through permission set ReadOnly" in shown
    assert "Identity Center group Developers -> permission set ReadOnly -> implicit deny" in shown
    assert main([*argv, "--json"]) == 0
    route = json.loads(capsys.readouterr().out)["routes"][0]
    assert (route["role"], route["identity_center"], route["assume"]) == ("ReadOnly", True, None)
