"""IAM Identity Center as data: what a permission set may hold, and the IAM roles it becomes.

Sources:
- Quotas: IAM Identity Center User Guide, "AWS IAM Identity Center quotas"
  https://docs.aws.amazon.com/singlesignon/latest/userguide/limits.html
- Field formats: IAM Identity Center API Reference, CreatePermissionSet / PermissionSet
  https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionSet.html,
  PutInlinePolicyToPermissionSet (InlinePolicy 1-32768 characters)
  https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PutInlinePolicyToPermissionSet.html,
  CreateAccountAssignment (TargetType AWS_ACCOUNT, PrincipalType USER | GROUP)
  https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreateAccountAssignment.html,
  and the CloudFormation registry schema of AWS::SSO::PermissionSet that cfn-lint ships
  (cfnlint/data/schemas/providers/*/aws-sso-permissionset.json: Name 1-32 [\\w+=,.@-]+, Description
  1-700, RelayStateType 1-240, ManagedPolicies and CustomerManagedPolicyReferences maxItems 25 each,
  createOnlyProperties InstanceArn and Name).
- The provisioned roles: IAM Identity Center User Guide, "IAM roles created by IAM Identity Center"
  https://docs.aws.amazon.com/singlesignon/latest/userguide/identity-center-and-iam-roles.html
  (role names beginning with AWSReservedSSO_), and the role path with the Region outside
  us-east-1: AWS Containers blog, "A quick path to Amazon EKS single sign-on using AWS SSO"
  https://aws.amazon.com/blogs/containers/a-quick-path-to-amazon-eks-single-sign-on-using-aws-sso/
  ("If you configure SSO in a Region other than us-east-1, add the Region after
  sso.amazonaws.com. For example, for us-east-2, .../sso.amazonaws.com/us-east-2/...").
"""

import re

from orgboot.aws.regions import HOME_REGION, PARTITION

# Permission set fields (API Reference, PermissionSet; the registry schema agrees).
PERMISSION_SET_NAME_MAX = 32
# AWS writes [\w+=,.@-]+, \w in the ASCII sense of its (Java) service: written out, since Python's \w
# takes any Unicode letter and AWS refuses them.
PERMISSION_SET_NAME_PATTERN = r"^[A-Za-z0-9_+=,.@-]+$"
IAM_POLICY_NAME_PATTERN = PERMISSION_SET_NAME_PATTERN  # CustomerManagedPolicyReference Name, 1-128
IAM_POLICY_NAME_MAX = 128
IAM_POLICY_PATH_PATTERN = r"^(/[A-Za-z0-9.,+@=_-]+)*/$"  # CustomerManagedPolicyReference Path, 1-512
IAM_POLICY_PATH_MAX = 512
DESCRIPTION_MAX = 700
# [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*: printable Latin-1, tab and line breaks.
DESCRIPTION_PATTERN = r"^[\t\n\r\x20-\x7E\xA1-\xFF]*$"
RELAY_STATE_MAX = 240
# [a-zA-Z0-9&$@#\\\/%?=~\-_'"|!:,.;*+\[\]\ \(\)\{\}]+, written to read the same in Python and in
# the JSON Schema of `orgboot schema` (ECMA-262).
RELAY_STATE_PATTERN = "^[a-zA-Z0-9&$@#\\\\/%?=~_'\"|!:,.;*+\\[\\]() {}-]+$"
# "Set session duration" (User Guide, howtosessionduration.html): 1 to 12 hours, ISO-8601 in the API.
SESSION_HOURS = (1, 12)
SESSION_HOURS_DEFAULT = 1

# Quotas ("AWS IAM Identity Center quotas", AWS account quotas table; none can be increased):
# "Number of inline policies per permission set: 1".
INLINE_POLICIES_PER_PERMISSION_SET = 1
# "Maximum size of inline policy per permission set: 32,768 bytes. Maximum size of non-whitespace
# characters in the inline policy per permission set is 10,240 bytes." The first is the API's
# InlinePolicy length; the second is what a policy can really hold: orgboot sends it minified.
INLINE_POLICY_MAX = 32_768
INLINE_POLICY_NON_WHITESPACE_MAX = 10_240
# "Number of AWS managed and customer managed policies per permission set: 20", with the footnote:
# "AWS Identity and Access Management (IAM) sets a quota of 10 managed policies per role. To take
# advantage of this quota, request an increase to the IAM quota Managed policies attached to an IAM
# role in the Service Quotas console for each AWS account where you want to deploy the permission set."
MANAGED_POLICIES_PER_PERMISSION_SET = 20
MANAGED_POLICIES_PER_ROLE_DEFAULT = 10  # IAM's default quota, which the provisioned role is held to
# "Number of permission sets allowed in IAM Identity Center: 2000" (can be increased).
PERMISSION_SETS_PER_INSTANCE = 2_000
# "Number of provisioned permission sets allowed per AWS account: 250" (can be increased).
PERMISSION_SETS_PER_ACCOUNT = 250

# What an assignment gives access to, and to whom (CreateAccountAssignment; AWS::SSO::Assignment).
TARGET_TYPE = "AWS_ACCOUNT"
PRINCIPAL_TYPE_GROUP = "GROUP"

# The provisioned roles ("IAM roles created by IAM Identity Center"): one per permission set in each
# account it is assigned in, named AWSReservedSSO_<permission set>_<16 hex digits> (the suffix is
# AWS's, unknown until provisioning), under the reserved path, with the instance's Region as one more
# path segment when the instance is not in us-east-1 (the Containers blog above).
ROLE_NAME_PREFIX = "AWSReservedSSO_"
ROLE_PATH_PREFIX = "/aws-reserved/sso.amazonaws.com/"
ROLE_SUFFIX_LENGTH = 16
# The region that gets no path segment of its own: the one IAM Identity Center started in.
UNSEGMENTED_REGION = HOME_REGION


def role_name(permission_set: str, suffix: str) -> str:
    """The name of the role a permission set is provisioned as: AWSReservedSSO_<set>_<suffix>."""
    return f"{ROLE_NAME_PREFIX}{permission_set}_{suffix}"


def role_path(region: str) -> str:
    """The path of the provisioned roles of an instance in `region`."""
    return ROLE_PATH_PREFIX if region == UNSEGMENTED_REGION else f"{ROLE_PATH_PREFIX}{region}/"


def role_arn(account_id: str, permission_set: str, suffix: str, region: str) -> str:
    return f"arn:{PARTITION}:iam::{account_id}:role{role_path(region)}{role_name(permission_set, suffix)}"


def role_arn_pattern(permission_set: str) -> str:
    """An ArnLike pattern for aws:PrincipalArn matching the role of `permission_set` in any account,
    with or without the region segment (a * in ArnLike spans '/'). Note: it also matches the role of
    a permission set whose name continues with '_' ('Admin' matches 'Admin_Old'): name sets apart."""
    return f"arn:{PARTITION}:iam::*:role{ROLE_PATH_PREFIX}*{ROLE_NAME_PREFIX}{permission_set}_*"


def session_duration(hours: int) -> str:
    """SessionDuration in ISO-8601, as the API and AWS::SSO::PermissionSet take it: PT1H..PT12H."""
    low, high = SESSION_HOURS
    if not low <= hours <= high:
        raise ValueError(f"session duration {hours} hours is outside AWS's range {low}-{high}")
    return f"PT{hours}H"


_ROLE_NAME = re.compile(rf"^{ROLE_NAME_PREFIX}(?P<set>[A-Za-z0-9_+=,.@-]+)_(?P<suffix>[0-9a-f]{{{ROLE_SUFFIX_LENGTH}}})$")


def permission_set_of_role(name: str) -> str | None:
    """The permission set a provisioned role's name stands for, or None for any other role."""
    found = _ROLE_NAME.match(name)
    return found["set"] if found else None
