"""CloudFormation logical IDs, derived from stable spec keys or fixed.

A logical ID is a resource's identity. If it changes, CloudFormation creates a new resource and
DELETES the old one: for an account that closes it; for a policy-type enabler the delete step
disables the type (every policy of it detached, organization-wide); for the password policy it
deletes the policy; for custom-named resources (groups, roles, the trail) the create collides with
the old name and the update fails. So every resource whose replacement or deletion reaches beyond
itself has its logical ID from here, never from the construct path, and tests pin them as literals.
Two keys that map to the same ID are refused by validation (rules/logical_ids.py).

The resources whose delete step undoes something organization-wide (the policy type enablers,
the password policy, the alias) keep the IDs the first release gave them from its construct paths,
so that an organization deployed with it upgrades in place instead of running those deletes.
"""

import hashlib
import re


def _pascal(text: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(word[:1].upper() + word[1:] for word in words if word)


def _first_release(*path: str) -> str:
    """The logical ID CDK gave the construct at `path` (below the stack): its path components
    without "Default", the human part without "Resource" and repeated components, plus the first 8
    hex digits of the MD5 of the path (aws-cdk-lib, core/lib/private/uniqueid.ts, makeUniqueId)."""
    components = [c for c in path if c != "Default"]
    human: list[str] = []
    for component in components:
        if not human or not human[-1].endswith(component):
            human.append(component)
    digest = hashlib.md5("/".join(components).encode(), usedforsecurity=False).hexdigest()[:8].upper()
    return "".join(re.sub(r"[^A-Za-z0-9]", "", c) for c in human if c != "Resource")[:240] + digest


# OrganizationStack
ORGANIZATION = "Organization"
DEPLOYED_SPEC = "DeployedSpec"


def account(key: str) -> str:
    return "Account" + _pascal(key)


def ou(path: str) -> str:
    return "Ou" + _pascal(path)


def policy(key: str) -> str:
    return "Policy" + _pascal(key)


def policy_type_enabler(policy_type: str) -> str:
    return _first_release("Organization", "Enable" + _pascal(policy_type.lower()), "Resource", "Default")


POLICY_TYPE_SETTLER_FUNCTION = "PolicyTypeSettlerFunction"  # the settlers' ServiceToken: fixed, as CloudFormation requires


def policy_type_settler(policy_type: str) -> str:
    """The resource that enables `policy_type` with retries and waits until it is ENABLED (and, on
    delete, until it no longer changes): its delete runs only after the enabler's."""
    return "PolicyTypeEnabled" + _pascal(policy_type.lower())


# ManagementBaselineStack
PASSWORD_POLICY = _first_release("PasswordPolicy", "Resource", "Resource")
ACCOUNT_ALIAS = _first_release("AccountAlias", "Resource", "Resource")
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


# ManagementBaselineStack, CIS monitoring (management_baseline.organization_trail.cis_monitoring)
TRAIL_LOG_GROUP = "OrganizationTrailLogGroup"
TRAIL_LOGS_ROLE = "OrganizationTrailLogsRole"
SECURITY_TOPIC = "SecurityTopic"
SECURITY_TOPIC_POLICY = "SecurityTopicPolicy"


def cis_metric_filter(metric: str) -> str:
    return "CisMetricFilter" + _pascal(metric)


def cis_alarm(metric: str) -> str:
    return "CisAlarm" + _pascal(metric)
