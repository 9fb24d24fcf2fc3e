"""Alternate contacts (billing, operations, security) of accounts, set centrally from the management
account through the Account Management API.

CloudFormation has no resource type for alternate contacts, and a stack of accounts has no room for a
resource per account (400 accounts in CloudFormation's 500 resources, orgboot/spec/layout.py): one
custom resource per stack sets them for all its accounts (constructs/functions/set_alternate_contacts.py).
Centrally rather than through a StackSet in each member: the management account may set any member's
contacts ("a user in the management account or delegated admin account can centrally update any member
account in the organization", Account Management Reference Guide, "Update the alternate contacts for
your AWS account"), StackSets never reach the management account, and an account added to org.yaml
gets its contacts in the very deploy that creates it (its ID joins the resource's properties)."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import CustomResource
from aws_cdk import custom_resources as cr

from orgboot.aws.organizations import ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL

from constructs import Construct
from constructs.inline_function import function_resource, inline_function
from constructs.sdk_call import pin_logical_id, sdk_call_resource

_SET_ALTERNATE_CONTACTS = Path(__file__).with_name("functions") / "set_alternate_contacts.py"


@dataclass(frozen=True)
class AlternateContact:
    name: str
    title: str
    email: str
    phone: str


class AlternateContacts(Construct):
    """A function and one Custom::AlternateContacts that gives each account its contacts."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        accounts: Mapping[str, Mapping[str, AlternateContact]],
        logical_id: str,
        function_logical_id: str,
    ) -> None:
        """`accounts`: each account's ID (Fn::GetAtt of its resource, or the stack's own account for the
        management account) -> its contacts by AlternateContactType (BILLING, OPERATIONS, SECURITY);
        an account without contacts loses those this resource set before."""
        super().__init__(scope, id)
        function = inline_function(
            self,
            "Function",
            source=_SET_ALTERNATE_CONTACTS,
            description="orgboot: sets the alternate contacts of the organization's accounts",
            sdk_calls=[("Account", "putAlternateContact"), ("Account", "deleteAlternateContact")],
        )
        # The resource's ServiceToken, which CloudFormation does not let an update change: a stable ID.
        pin_logical_id(function, function_logical_id)
        sets: dict[str, dict[str, dict[str, str]]] = {}
        members: dict[str, list[str]] = {}
        for account_id, contacts in accounts.items():
            fields = {
                kind: {"Name": c.name, "Title": c.title, "EmailAddress": c.email, "PhoneNumber": c.phone}
                for kind, c in sorted(contacts.items())
            }
            # Named by content: a set keeps its name while other accounts' contacts change.
            name = "Set" + hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:8]
            sets[name] = fields
            members.setdefault(name, []).append(account_id)
        self.resource: CustomResource = function_resource(
            self,
            "Resource",
            function=function,
            resource_type="Custom::AlternateContacts",
            properties={"ContactSets": dict(sorted(sets.items())), "Accounts": dict(sorted(members.items()))},
        )
        # A new logical ID would create a new resource and delete this one, and with it every contact.
        pin_logical_id(self.resource, logical_id)


def account_management_trusted_access(scope: Construct, id: str, *, logical_id: str) -> cr.AwsCustomResource:
    """Trusted access for AWS Account Management, without which the management account may not name a
    member account (Account Management Reference Guide, "Enable trusted access for AWS Account
    Management": "After trusted access has been enabled, you can use the accountID parameter").
    Removed from the template, it stays enabled: account stacks deployed after this one may still
    delete contacts with it, and another tool may count on it, as with CloudTrail's."""
    return sdk_call_resource(
        scope,
        id,
        logical_id=logical_id,
        on_create=cr.AwsSdkCall(
            service="Organizations",
            action="enableAWSServiceAccess",
            parameters={"ServicePrincipal": ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL},
            physical_resource_id=cr.PhysicalResourceId.of("account-management-trusted-access"),
        ),
    )
