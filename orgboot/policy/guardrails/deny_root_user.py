"""The root user of member accounts cannot act, except in a centralized root access session.

The root user's ARN is arn:aws:iam::ACCOUNT:root (aws:PrincipalArn). A session the management
account opens with sts:AssumeRoot carries aws:AssumedRoot, so `Null: true` on it exempts
centralized root access (IAM User Guide, "Centrally manage root access for member accounts" and
the aws:AssumedRoot entry of "AWS global condition context keys").

Exempt: no role; the statement is about the root user alone, so roles (orgboot's and break-glass
included) never meet it.
"""

from typing import Any

from orgboot.policy.guardrails.guardrail import ROOT_USER_ARNS, Guardrail, OrgbootRoles, Statement


def _statements(_: Any, __: OrgbootRoles) -> list[Statement]:
    return [
        {
            "Sid": "DenyRootUser",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringLike": {"aws:PrincipalArn": ROOT_USER_ARNS}, "Null": {"aws:AssumedRoot": "true"}},
        }
    ]


GUARDRAIL = Guardrail(
    "deny-root-user",
    "SERVICE_CONTROL_POLICY",
    "the root user of a member account cannot act (centralized root access still works)",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-assumedroot",
    _statements,
    sids=("DenyRootUser",),
)
