"""The root user cannot create access keys (AWS Control Tower, AWS-GR_RESTRICT_ROOT_USER_ACCESS_KEYS,
"Disallow creation of access keys for the root user").

Exempt: no role; the statement is about the root user alone."""

from typing import Any

from orgboot.policy.guardrails.guardrail import ROOT_USER_ARNS, Guardrail, OrgbootRoles, Statement


def _statements(_: Any, __: OrgbootRoles) -> list[Statement]:
    return [
        {
            "Sid": "DenyRootAccessKeys",
            "Effect": "Deny",
            "Action": "iam:CreateAccessKey",
            "Resource": "*",
            "Condition": {"StringLike": {"aws:PrincipalArn": ROOT_USER_ARNS}},
        }
    ]


GUARDRAIL = Guardrail(
    "deny-root-access-keys",
    "SERVICE_CONTROL_POLICY",
    "the root user cannot create access keys",
    "https://docs.aws.amazon.com/controltower/latest/controlreference/strongly-recommended-controls.html",
    _statements,
    sids=("DenyRootAccessKeys",),
)
