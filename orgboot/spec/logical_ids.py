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


# Alternate contacts (security_baseline.alternate_contacts): in each stack that holds accounts, and in
# ManagementBaselineStack for the management account. Trusted access: in OrganizationStack.
ALTERNATE_CONTACTS = "AlternateContacts"  # its delete step deletes every contact it set
ALTERNATE_CONTACTS_FUNCTION = "AlternateContactsFunction"  # the ServiceToken: fixed, as CloudFormation requires
ACCOUNT_MANAGEMENT_TRUSTED_ACCESS = "AccountManagementTrustedAccess"

# ManagementBaselineStack
PASSWORD_POLICY = _first_release("PasswordPolicy", "Resource", "Resource")
ACCOUNT_ALIAS = _first_release("AccountAlias", "Resource", "Resource")
REQUIRE_MFA_POLICY = "RequireMfaPolicy"
SUPPORT_ROLE = "SupportRole"
ADMIN_ROLE = "AdminRole"
BILLING_TOPIC = "BillingTopic"
BILLING_TOPIC_POLICY = "BillingTopicPolicy"
BILLING_ALARM = "BillingAlarm"
MONTHLY_BUDGET = "MonthlyBudget"
CLOUDTRAIL_TRUSTED_ACCESS = "CloudTrailTrustedAccess"
TRAIL = "OrganizationTrail"
TRAIL_BUCKET = "OrganizationTrailBucket"
TRAIL_BUCKET_POLICY = "OrganizationTrailBucketPolicy"
# The trail's log store (management_baseline.organization_trail): here, or in the log archive
# account's StackSet template with the same IDs; the StackSet and the trusted access it needs.
TRAIL_KEY = "OrganizationTrailKey"
TRAIL_KEY_ALIAS = "OrganizationTrailKeyAlias"
TRAIL_ACCESS_LOGS_BUCKET = "OrganizationTrailAccessLogsBucket"
TRAIL_ACCESS_LOGS_BUCKET_POLICY = "OrganizationTrailAccessLogsBucketPolicy"
LOG_ARCHIVE_STACK_SET = "OrganizationTrailLogArchiveStackSet"
LOG_ARCHIVE_TRUSTED_ACCESS = "OrganizationTrailStackSetsTrustedAccess"


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


# AccountSettingsStack (security_baseline: s3_block_public_access, ebs_encryption, config)
ACCOUNT_SETTINGS_TRUSTED_ACCESS = "AccountSettingsStackSetsTrustedAccess"
ACCOUNT_SETTINGS_STACK_SET = "AccountSettingsStackSet"
S3_ACCOUNT_PUBLIC_ACCESS_BLOCK = "S3AccountPublicAccessBlock"  # the management account's


def ebs_encryption_by_default(region: str) -> str:
    """The management account's EBS encryption by default in `region`."""
    return "EbsEncryptionByDefault" + _pascal(region)


# SecurityServicesStack (security_baseline: guardduty, security_hub, access_analyzer). A delegated
# administrator's registration, deleted, deregisters it; a StackSet, deleted, removes the service.
SECURITY_SERVICES_TRUSTED_ACCESS = "SecurityServicesStackSetsTrustedAccess"
SECURITY_SERVICES_PLACEHOLDER = "NoSecurityServices"


_SERVICES = {"guardduty": "GuardDuty", "security_hub": "SecurityHub", "access_analyzer": "AccessAnalyzer"}  # as AWS spells them


def service_trusted_access(service: str) -> str:
    """Organizations' trusted access for `service` (a key of security_baseline: access_analyzer)."""
    return _SERVICES[service] + "TrustedAccess"


def delegated_administrator(service: str, region: str | None = None) -> str:
    """The registration of the delegated administrator of `service`, and its designation in `region`
    where the service designates it region by region."""
    return _SERVICES[service] + "DelegatedAdministrator" + (_pascal(region) if region else "")


def security_service_stack_set(service: str) -> str:
    return _SERVICES[service] + "StackSet"


def management_detector(region: str) -> str:
    """GuardDuty's detector of the management account in `region`."""
    return "GuardDutyManagementDetector" + _pascal(region)


# AccountSettingsStack, AWS Config (security_baseline.config)
CONFIG_BUCKET_STACK_SET = "ConfigBucketStackSet"
CONFIG_AGGREGATOR_STACK_SET = "ConfigAggregatorStackSet"
CONFIG_TRUSTED_ACCESS = "ConfigTrustedAccess"
CONFIG_DELEGATED_ADMINISTRATOR = "ConfigDelegatedAdministrator"  # its delete step deregisters the account
CONFIG_SERVICE_LINKED_ROLE = "ConfigServiceLinkedRole"  # the management account's


def config_recorder(region: str) -> str:
    """The management account's recorder in `region`: its delete step deletes the recorder."""
    return "ConfigRecorder" + _pascal(region)


def config_delivery_channel(region: str) -> str:
    return "ConfigDeliveryChannel" + _pascal(region)


def config_recording(region: str) -> str:
    """The management account's recording in `region`: its delete step stops the recorder."""
    return "ConfigRecording" + _pascal(region)


# IdentityCenterStack and IdentityCenterAssignments[NN] (identity_center). A permission set's name is
# create-only (AWS::SSO::PermissionSet registry schema): a new logical ID would create a second set of
# the same name (which fails) and delete the first, with every assignment made from it.
IDENTITY_CENTER_LOOKUP = "IdentityCenterLookup"
# The lookups' ServiceToken: fixed, as CloudFormation requires (constructs/identity_center_lookup.py).
IDENTITY_CENTER_LOOKUP_FUNCTION = "IdentityCenterLookupFunction"


def identity_center_groups_lookup(chunk: str) -> str:
    """One lookup of Identity Center group IDs in an assignments stack (`chunk`: 01, 07A, ...)."""
    return "IdentityCenterGroups" + chunk


def identity_center_accounts_lookup(chunk: str) -> str:
    """One lookup of account IDs by email in an assignments stack (`chunk`: 01, 07A, ...)."""
    return "IdentityCenterAccounts" + chunk


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:8].upper()


def permission_set(name: str) -> str:
    """The permission set `name`: its name as written when that is already a logical ID (PlatformAdmin),
    else its letters and digits with a digest of the name, so that names apart only by punctuation or
    case (Admin.Read, Admin-Read, admin-read) stay apart."""
    if re.fullmatch(r"[A-Z][A-Za-z0-9]*", name):
        return "PermissionSet" + name
    return "PermissionSet" + _pascal(name) + _digest(name)


def assignment(account_key: str, group: str, permission_set: str) -> str:
    """The assignment of `permission_set` to `group` in the account `account_key` (or `management`):
    readable parts (the group's shortened: display names run to 1,024 characters, logical IDs to
    255) and a digest of all three, which keeps every triple apart."""
    readable = _pascal(account_key) + _pascal(permission_set) + _pascal(group)[:100]
    return "Assignment" + readable + _digest(account_key, group, permission_set)
