"""Guardrail exemptions by IAM Identity Center permission set: `exempt_permission_sets` lets the
roles IAM Identity Center provisions for the set through (AWSReservedSSO_<set>_<suffix>, under
aws-reserved/sso.amazonaws.com/, with the region segment outside us-east-1), and nobody else: not
another set's role, nor a role of the same name outside the reserved path."""

from typing import Any

import pytest

from orgboot.aws.identity_center import role_arn, role_arn_pattern
from orgboot.policy.guardrails import REGISTRY
from orgboot.policy.guardrails.guardrail import role_arns
from orgboot.policy.matching import Caller
from tests.policy.test_guardrails import CASES, MEMBER, decide

SUFFIX = "0123456789abcdef"


def sso_role(permission_set: str, region: str) -> Caller:
    return Caller(role_arn(MEMBER, permission_set, SUFFIX, region), MEMBER, "role")


EXEMPTABLE = sorted(name for name, guardrail in REGISTRY.items() if "exempt_permission_sets" in guardrail.parameters.model_fields)


def test_every_guardrail_with_exempt_roles_takes_permission_sets_too():
    assert sorted(name for name, guardrail in REGISTRY.items() if "exempt_roles" in guardrail.parameters.model_fields) == EXEMPTABLE
    assert EXEMPTABLE


@pytest.mark.parametrize("name", EXEMPTABLE)
def test_exempt_permission_sets_lets_the_sets_roles_through_and_nobody_else(name):
    denied: tuple[Any, ...] = next(case for case in CASES if case[0] == name and not case[-2] and case[2].kind == "role")
    _, parameters, _caller, action, resource, context, _, why = denied
    exempt = {**parameters, "exempt_permission_sets": ["PlatformAdmin"]}
    for region in ("eu-west-1", "us-east-1"):  # with and without the region segment in the path
        admin = sso_role("PlatformAdmin", region)
        assert not decide(name, parameters, admin, action, resource, context).allowed, why
        assert decide(name, exempt, admin, action, resource, context).allowed, f"{name}: {admin.arn} exempt, {why}"
        other = sso_role("ReadOnly", region)
        assert not decide(name, exempt, other, action, resource, context).allowed, f"{name}: {other.arn} is another set's role"
    impostor = Caller(f"arn:aws:iam::{MEMBER}:role/AWSReservedSSO_PlatformAdmin_{SUFFIX}", MEMBER, "role")
    assert not decide(name, exempt, impostor, action, resource, context).allowed, "a role of that name outside the reserved path"


def test_the_condition_names_the_pattern():
    statements = REGISTRY["deny-iam-users"].statements(
        REGISTRY["deny-iam-users"].parameters.model_validate({"exempt_permission_sets": ["PlatformAdmin"], "exempt_roles": ["Ops"]}),
        None,  # type: ignore[arg-type]  # deny-iam-users reads no orgboot role
    )
    assert statements[0]["Condition"] == {
        "ArnNotLike": {
            "aws:PrincipalArn": [
                "arn:aws:iam::*:role/Ops",
                "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_PlatformAdmin_*",
            ]
        }
    }
    assert role_arns([role_arn_pattern("X")]) == [role_arn_pattern("X")]


def test_a_permission_set_name_aws_would_refuse_is_refused():
    with pytest.raises(ValueError, match="exempt_permission_sets"):
        REGISTRY["deny-iam-users"].parameters.model_validate({"exempt_permission_sets": ["Platform Admin"]})
