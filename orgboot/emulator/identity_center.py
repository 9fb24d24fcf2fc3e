"""The steps of IAM Identity Center that no API call or template takes, done by the emulator for the
emulated organization: enabling the organization instance (a console step, once, in the management
account, in the Region that becomes its home: IAM Identity Center User Guide, "Enable IAM Identity
Center"; CreateInstance "is rejected if ... The instance is created within the organization
management account", API Reference), and the groups the company's identity provider keeps in its
identity store (SCIM provisioning: User Guide, "Automatic provisioning").

`enable` does the first where a test or a person says so. `stand_in` does both for a deploy, the
way `orgboot emulate` and `make demo` need them: before the first stack that uses IAM Identity
Center deploys, into an organization that has no instance yet, the emulator enables one in that
stack's Region (the spec's identity_center.region: its stacks deploy there) and then creates, in
the identity store of the instance it enabled, the groups each stack looks up by display name
(Custom::IdentityCenterLookup's Groups: constructs/identity_center_lookup.py). Where an instance
exists that the emulator did not enable as a stand-in (enabled in another Region, say), it does
neither: the deploy then meets what AWS would answer (no instance in the Region, no such group).
Each stand-in step is said in the engine's notes."""

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from orgboot.emulator import apis
from orgboot.emulator.apis.identity_center import Instance
from orgboot.emulator.assembly import AssemblyStack
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, management

# Enabling IAM Identity Center with Organizations turns on its trusted access (Organizations User
# Guide, "AWS IAM Identity Center and AWS Organizations": service principal sso.amazonaws.com).
SSO_SERVICE_PRINCIPAL = "sso.amazonaws.com"
LOOKUP_TYPE = "Custom::IdentityCenterLookup"  # constructs/identity_center_lookup.py, RESOURCE_TYPE
GROUPS_PROPERTY = "Groups"  # attribute name -> group display name
STAND_IN_GROUP_DESCRIPTION = "Created by orgboot's emulator, as the identity provider's sync (SCIM) would"


def enable(region: str, *, stand_in: bool = False) -> Instance:
    """Enable IAM Identity Center for the emulated organization in `region`, as its console does
    from the management account: the organization instance, with its identity store, and trusted
    access for sso.amazonaws.com. Enabled in `region` already, nothing changes; in another Region,
    refused (ValueError: one organization instance per organization)."""
    instance = apis.identity_center().enable(MANAGEMENT_ACCOUNT_ID, region, stand_in=stand_in)
    management(region).client("organizations").enable_aws_service_access(ServicePrincipal=SSO_SERVICE_PRINCIPAL)
    return instance


def create_groups(instance: Instance, display_names: Iterable[str], description: str = STAND_IN_GROUP_DESCRIPTION) -> list[str]:
    """Create each group the identity store lacks; returns the display names created."""
    store = management(instance.region).client("identitystore")
    created = []
    for name in sorted(set(display_names)):
        try:
            store.get_group_id(
                IdentityStoreId=instance.identity_store_id,
                AlternateIdentifier={"UniqueAttribute": {"AttributePath": "displayName", "AttributeValue": name}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            store.create_group(IdentityStoreId=instance.identity_store_id, DisplayName=name, Description=description)
            created.append(name)
    return created


def uses_identity_center(stack: AssemblyStack) -> bool:
    return any(_type(resource).startswith("AWS::SSO::") or _type(resource) == LOOKUP_TYPE for resource in _resources(stack))


def looked_up_groups(stack: AssemblyStack) -> list[str]:
    """The group display names the stack's lookups read."""
    names: set[str] = set()
    for resource in _resources(stack):
        if _type(resource) == LOOKUP_TYPE:
            groups = resource.get("Properties", {}).get(GROUPS_PROPERTY) or {}
            names |= {name for name in (groups.values() if isinstance(groups, dict) else groups) if isinstance(name, str)}
    return sorted(names)


def stand_in(stack: AssemblyStack) -> list[str]:
    """Before `stack` deploys: what a person does for IAM Identity Center outside CloudFormation,
    done for the emulated organization when nothing says otherwise (the module's docstring); what
    was done, as notes."""
    if not uses_identity_center(stack) or not _organization_exists(stack.region):
        return []
    notes = []
    api = apis.identity_center()
    instance = api.instance_of(MANAGEMENT_ACCOUNT_ID)
    if instance is None:
        instance = enable(stack.region, stand_in=True)
        notes.append(
            f"IAM Identity Center enabled in {stack.region} by the emulator (organization instance {instance.arn}, identity"
            f" store {instance.identity_store_id}), as a person does once in its console: in AWS, enable it there before"
            " deploying"
        )
    if instance.stand_in and (created := create_groups(instance, looked_up_groups(stack))):
        notes.append(
            f"Identity Center groups {', '.join(created)} created by the emulator in identity store"
            f" {instance.identity_store_id}, as your identity provider's sync would: in AWS they must exist there before"
            f" {stack.name} deploys (its lookup fails otherwise)"
        )
    return notes


def _organization_exists(region: str) -> bool:
    try:
        management(region).client("organizations").describe_organization()
    except ClientError:
        return False
    return True


def _resources(stack: AssemblyStack) -> Iterable[dict[str, Any]]:
    resources = stack.template.get("Resources", {})
    return [resource for resource in resources.values() if isinstance(resource, dict)] if isinstance(resources, dict) else []


def _type(resource: dict[str, Any]) -> str:
    return str(resource.get("Type", ""))
