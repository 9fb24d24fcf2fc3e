"""IAM policy documents as pure functions returning dicts: tested without synthesis.
Arguments may be CDK tokens (strings) where a value is only known at deploy time."""

from collections.abc import Sequence
from typing import Any

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
OWN_USER = "arn:aws:iam::*:user/${aws:username}"


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
                "Resource": "arn:aws:iam::*:mfa/*",
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
        "Resource": f"arn:aws:iam::*:role/{role_name}",
        "Condition": {"ForAnyValue:StringLike": {"aws:ResourceOrgPaths": [f"{path}*" for path in org_paths]}},
    }


def _trust(account_id: str, condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "sts:AssumeRole",
                "Condition": condition,
            }
        ],
    }


def trust_account_with_mfa(account_id: str, max_mfa_age_seconds: int | None = None) -> dict[str, Any]:
    """Trust policy: principals of `account_id` that signed in with MFA (recently, if given)."""
    condition: dict[str, Any] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    if max_mfa_age_seconds is not None:
        condition["NumericLessThan"] = {"aws:MultiFactorAuthAge": str(max_mfa_age_seconds)}
    return _trust(account_id, condition)


def trust_third_party(account_id: str, external_id: str) -> dict[str, Any]:
    """Trust policy for another company's account: only with the agreed external ID (the
    confused-deputy guard)."""
    return _trust(account_id, {"StringEquals": {"sts:ExternalId": external_id}})
