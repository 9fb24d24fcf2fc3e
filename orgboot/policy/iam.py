"""IAM policy documents as pure functions returning dicts: tested without synthesis.
Arguments may be CDK tokens (strings) where a value is only known at deploy time."""

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from orgboot.aws.regions import PARTITION

# Actions a user signed in without MFA may still call: enough to set up their own MFA device and
# change their password, nothing else (AWS IAM user guide, "BlockMostAccessUnlessSignedInWithMFA").
MFA_SELF_SERVICE_ACTIONS = [
    "iam:ChangePassword",
    "iam:CreateVirtualMFADevice",
    "iam:EnableMFADevice",
    "iam:GetAccountPasswordPolicy",
    "iam:GetMFADevice",
    "iam:GetUser",
    "iam:ListMFADevices",
    "iam:ListVirtualMFADevices",
    "iam:ResyncMFADevice",
    "sts:GetSessionToken",
]
OWN_USER = f"arn:{PARTITION}:iam::*:user/${{aws:username}}"


def require_mfa() -> dict[str, Any]:
    """Deny everything except managing one's own MFA device and password until signed in with MFA."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowViewAccountInfo",
                "Effect": "Allow",
                "Action": ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"],
                "Resource": "*",
            },
            {"Sid": "AllowManageOwnPasswords", "Effect": "Allow", "Action": ["iam:ChangePassword", "iam:GetUser"], "Resource": OWN_USER},
            {
                "Sid": "AllowManageOwnVirtualMFADevice",
                "Effect": "Allow",
                "Action": "iam:CreateVirtualMFADevice",
                "Resource": f"arn:{PARTITION}:iam::*:mfa/*",
            },
            {
                "Sid": "AllowManageOwnUserMFA",
                "Effect": "Allow",
                "Action": [
                    "iam:DeactivateMFADevice",
                    "iam:EnableMFADevice",
                    "iam:GetMFADevice",
                    "iam:ListMFADevices",
                    "iam:ResyncMFADevice",
                ],
                "Resource": OWN_USER,
            },
            {
                "Sid": "DenyAllExceptListedIfNoMFA",
                "Effect": "Deny",
                "NotAction": MFA_SELF_SERVICE_ACTIONS,
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
            },
        ],
    }


def assume_role_in_org_paths(role_name: str, org_paths: Sequence[str], sid: str) -> dict[str, Any]:
    """Allow sts:AssumeRole on `role_name` in every account under `org_paths`
    ("o-id/r-id/ou-id/.../"). One statement whatever the number of accounts: it does not grow with
    the organization, and covers accounts created later."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Resource": f"arn:{PARTITION}:iam::*:role/{role_name}",
        "Condition": {"ForAnyValue:StringLike": {"aws:ResourceOrgPaths": [f"{path}*" for path in org_paths]}},
    }


def deny_assume_outside(role_name: str, org_paths: Sequence[str], sid: str) -> dict[str, Any]:
    """Deny sts:AssumeRole on `role_name` outside `org_paths` (everywhere when there are none).

    Why: a group holding a broad policy (AdministratorAccess allows sts:AssumeRole on "*") could
    otherwise assume every role that trusts the management account, wherever it is deployed, and
    the access matrix would be a wish, not a fact. An explicit deny decides whatever the allows
    (IAM User Guide, "Policy evaluation logic"). ForAllValues is true when the role has no
    organization path, so the role outside the organization is denied too."""
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Deny",
        "Action": "sts:AssumeRole",
        "Resource": f"arn:{PARTITION}:iam::*:role/{role_name}",
    }
    if org_paths:
        statement["Condition"] = {"ForAllValues:StringNotLike": {"aws:ResourceOrgPaths": [f"{path}*" for path in org_paths]}}
    return statement


BREAK_GLASS_SID = "BreakGlass"  # the Sid of a break-glass grant's statement, before the role's name


def switch_roles(
    grants: Mapping[str, Sequence[str]],
    guarded_roles: Sequence[str],
    extra: Sequence[dict[str, Any]] = (),
    break_glass: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """A group's policy for switching into member accounts: `grants` (role name -> organization
    paths) allowed, and every role of `guarded_roles` (the roles orgboot deploys and the access
    role) denied outside the group's grants, so that the group reaches exactly what it is granted.
    `break_glass` grants (the access role) are allowed alike, under a Sid of their own, so that
    they read as break-glass wherever the policy is read."""
    break_glass = break_glass or {}
    statements = [assume_role_in_org_paths(role, paths, _sid("Assume", role)) for role, paths in grants.items()]
    statements += [assume_role_in_org_paths(role, paths, _sid(BREAK_GLASS_SID, role)) for role, paths in break_glass.items()]
    statements += [
        deny_assume_outside(role, [*grants.get(role, ()), *break_glass.get(role, ())], _sid("DenyAssumeOutsideGrants", role))
        for role in guarded_roles
    ]
    return {"Version": "2012-10-17", "Statement": [*statements, *extra]}


def assume_support_role(role_arn: str) -> dict[str, Any]:
    return {"Sid": "AssumeSupportRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}


def assume_admin_role(role_arn: str) -> dict[str, Any]:
    return {"Sid": "AssumeAdminRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}


def stay_in_account(account_id: str) -> dict[str, Any]:
    """The administrator role's fence: it may assume no role outside its own account.

    Why: AdministratorAccess allows sts:AssumeRole on "*", and the access role of every member
    account trusts the management account without a condition (Organizations User Guide,
    "Accessing member accounts"): without the fence, whoever may assume the administrator role
    would reach every member account through it, beyond the grants the access matrix shows. People
    switch into member accounts with their own grants (switch_roles). Matched on the role's ARN
    (NotResource), so no condition key's availability is in question."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyAssumeRoleOutsideThisAccount",
                "Effect": "Deny",
                "Action": "sts:AssumeRole",
                "NotResource": f"arn:{PARTITION}:iam::{account_id}:role/*",
            }
        ],
    }


def minified(document: Mapping[str, Any]) -> str:
    """As IAM counts a document's size: without whitespace."""
    return json.dumps(document, separators=(",", ":"))


def _sid(prefix: str, name: str) -> str:
    return prefix + re.sub(r"[^A-Za-z0-9]", "", name)


def _trust(account_id: str, condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{PARTITION}:iam::{account_id}:root"},
                "Action": "sts:AssumeRole",
                "Condition": condition,
            }
        ],
    }


def signed_in_with_mfa(max_mfa_age_seconds: int | None = None) -> dict[str, Any]:
    """The trust condition: signed in with MFA, and recently if given (IAM User Guide, "Secure API
    access with MFA": aws:MultiFactorAuthPresent, and aws:MultiFactorAuthAge against a number of
    seconds, in a role's trust policy)."""
    condition: dict[str, Any] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    if max_mfa_age_seconds is not None:
        condition["NumericLessThan"] = {"aws:MultiFactorAuthAge": str(max_mfa_age_seconds)}
    return condition


def trust_account_with_mfa(account_id: str, max_mfa_age_seconds: int | None = None) -> dict[str, Any]:
    """Trust policy: principals of `account_id` that signed in with MFA (recently, if given)."""
    return _trust(account_id, signed_in_with_mfa(max_mfa_age_seconds))


def trust_third_party(account_id: str, external_id: str) -> dict[str, Any]:
    """Trust policy for another company's account: only with the agreed external ID (the
    confused-deputy guard)."""
    return _trust(account_id, {"StringEquals": {"sts:ExternalId": external_id}})
