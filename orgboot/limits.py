"""AWS quotas and formats the spec must respect, as data (one place to update when AWS changes).

Sources: AWS Organizations quotas (SCP limits raised on 2026-05-15), the CreateAccount and
CreateOrganizationalUnit API references, the CloudFormation quotas page.
"""

from dataclasses import dataclass

MAX_OU_DEPTH = 5  # OU levels below the root
OU_NAME_MAX = 128
ACCOUNT_NAME_PATTERN = r"^[\x20-\x7E]{1,50}$"  # 1-50 printable ASCII
# CreateAccount's own pattern for Email, with its length limits.
EMAIL_PATTERN = r"^[^\s@]+@[^\s@]+\.[^\s@]+$"
EMAIL_MIN, EMAIL_MAX = 6, 64
ROLE_NAME_PATTERN = r"^[\w+=,.@-]{1,64}$"
IAM_NAME_PATTERN = r"^[\w+=,.@-]+$"
ACCOUNT_ALIAS_PATTERN = r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$"
POLICY_DESCRIPTION_MAX = 512
TAG_KEY_MAX, TAG_VALUE_MAX, TAGS_PER_RESOURCE = 128, 256, 50
ROLE_INLINE_POLICIES_MAX = 10_240  # all inline policies of one IAM role together, minified
STACKSET_TEMPLATE_BODY_MAX = 51_200  # bytes of TemplateBody in AWS::CloudFormation::StackSet


@dataclass(frozen=True)
class PolicyTypeLimits:
    max_chars: int  # of the minified document: AWS counts every character, whitespace included
    max_per_target: int  # attached to one root, OU or account
    default_policy: str | None  # AWS-managed policy attached to every target, counting toward the limit


POLICY_TYPE_LIMITS: dict[str, PolicyTypeLimits] = {
    "SERVICE_CONTROL_POLICY": PolicyTypeLimits(10_240, 10, "FullAWSAccess"),
    "RESOURCE_CONTROL_POLICY": PolicyTypeLimits(5_120, 5, "RCPFullAWSAccess"),
    "TAG_POLICY": PolicyTypeLimits(10_000, 10, None),
    "BACKUP_POLICY": PolicyTypeLimits(10_000, 10, None),
    "AISERVICES_OPT_OUT_POLICY": PolicyTypeLimits(2_500, 5, None),
}
