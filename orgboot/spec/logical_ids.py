"""CloudFormation logical IDs, derived from stable spec keys or fixed.

A logical ID is a resource's identity. If it changes, CloudFormation creates a new resource and
DELETES the old one: for an account that closes it; for a policy-type enabler the delete step
disables the type (every policy of it detached, organization-wide); for the password policy it
deletes the policy; for custom-named resources (groups, roles, the trail) the create collides with
the old name and the update fails. So every resource whose replacement or deletion reaches beyond
itself has its logical ID from here, never from the construct path, and tests pin them as literals.
Two keys that map to the same ID are refused by validation (rules/logical_ids.py).
"""

import re


def _pascal(text: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(word[:1].upper() + word[1:] for word in words if word)


# OrganizationStack
ORGANIZATION = "Organization"


def account(key: str) -> str:
    return "Account" + _pascal(key)


def ou(path: str) -> str:
    return "Ou" + _pascal(path)


def policy(key: str) -> str:
    return "Policy" + _pascal(key)


def policy_type_enabler(policy_type: str) -> str:
    return "Enable" + _pascal(policy_type.lower())


# ManagementBaselineStack
PASSWORD_POLICY = "PasswordPolicy"
ACCOUNT_ALIAS = "AccountAlias"
REQUIRE_MFA_POLICY = "RequireMfaPolicy"
SUPPORT_ROLE = "SupportRole"
BILLING_TOPIC = "BillingTopic"
BILLING_TOPIC_POLICY = "BillingTopicPolicy"
BILLING_ALARM = "BillingAlarm"
MONTHLY_BUDGET = "MonthlyBudget"
CLOUDTRAIL_TRUSTED_ACCESS = "CloudTrailTrustedAccess"
TRAIL = "OrganizationTrail"
TRAIL_BUCKET = "OrganizationTrailBucket"
TRAIL_BUCKET_POLICY = "OrganizationTrailBucketPolicy"


def group(name: str) -> str:
    return "Group" + _pascal(name)


def user(name: str) -> str:
    return "User" + _pascal(name)


# MemberRolesStack
STACKSETS_TRUSTED_ACCESS = "StackSetsTrustedAccess"


def role_stack_set(role: str) -> str:
    return "RoleStackSet" + _pascal(role)
