"""Service-managed StackSets: the role they deploy through, and what it does.

Service-managed StackSets create a role named stacksets-exec-<hash> in every target account and
deploy through it, under the account's SCPs (CloudFormation User Guide, "Activate trusted access
for StackSets with AWS Organizations"). To create, update and remove a member role it makes the
stack calls and those the AWS::IAM::Role resource handlers need: the handlers.create, update and
delete permissions of the AWS::IAM::Role registry schema, as cfn-lint 1.58.0 ships it
(createOnlyProperties there: Path, RoleName).
"""

import re

EXECUTION_ROLE_PATTERN = "stacksets-exec-*"

# StackSetName in the AWS::CloudFormation::StackSet schema (and CreateStackSet, API Reference): "can
# contain only alphanumeric characters (case-sensitive) and hyphens. It must start with an
# alphabetic character and can't be longer than 128 characters."
STACK_SET_NAME_PATTERN = re.compile(r"[a-zA-Z][a-zA-Z0-9\-]{0,127}")
ROLE_STACK_SET_PREFIX = "orgboot-role-"


# The StackSet that keeps the account settings (security_baseline: S3 Block Public Access, EBS
# encryption, Config) in every member account and region.
ACCOUNT_SETTINGS_STACK_SET = "orgboot-account-settings"
# AWS Config's bucket (in config.bucket_account) and organization aggregator (in the delegated administrator).
CONFIG_BUCKET_STACK_SET = "orgboot-config-bucket"
CONFIG_AGGREGATOR_STACK_SET = "orgboot-config-aggregator"

# The StackSets that run a security service (security_baseline: guardduty, security_hub,
# access_analyzer) in the delegated administrator, in every region.
SECURITY_SERVICE_STACK_SET_PREFIX = "orgboot-"


def security_service_stack_set_name(service: str) -> str:
    """orgboot-guardduty, orgboot-security-hub, orgboot-access-analyzer."""
    return SECURITY_SERVICE_STACK_SET_PREFIX + service.replace("_", "-")


def role_stack_set_name(role: str) -> str:
    """The StackSet that rolls out member role `role`."""
    return f"{ROLE_STACK_SET_PREFIX}{role}"


EXECUTION_ROLE_EXAMPLE = "stacksets-exec-00000000000000000000000000000000"

# What each stack operation on a member role needs: the stack action, and the AWS::IAM::Role
# handler's permissions for that operation.
OPERATION_ACTIONS = {
    "create": (
        "cloudformation:CreateStack",
        "iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:GetRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:GetRole",
    ),
    "update": (
        "cloudformation:UpdateStack",
        "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:DetachRolePolicy",
        "iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePolicy",
    ),
    "delete": ("cloudformation:DeleteStack", "iam:DeleteRole", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"),
}  # fmt: skip
STACK_ACTIONS = tuple(a for actions in OPERATION_ACTIONS.values() for a in actions if a.startswith("cloudformation:"))
ROLE_HANDLER_ACTIONS = tuple(a for actions in OPERATION_ACTIONS.values() for a in actions if a.startswith("iam:"))
