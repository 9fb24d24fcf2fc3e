"""Custom::AlternateContacts, one per stack that holds accounts: sets the alternate contacts (billing,
operations, security) of every account it names, from the management account, through the Account
Management API.

Properties: `ContactSets` maps a set's name to its contacts by type (AlternateContactType ->
PutAlternateContact's Name, Title, EmailAddress, PhoneNumber), and `Accounts` maps a set's name to
the IDs of the accounts that take it; an account with none of its own is under a set without
contacts. Sets are shared, so that 400 accounts with a few sets stay a small template.

- Create puts every contact.
- Update puts what changed for each account (a new account: all of its contacts) and deletes the
  types an account no longer has. An account no longer named (released from org.yaml) keeps its
  contacts: orgboot has stopped managing it.
- Delete deletes every contact this resource set (ResourceNotFoundException: deleted already).

A member account is named by AccountId, which needs trusted access for account.amazonaws.com,
enabled before this resource runs; the management account is the function's own, and "can't
specify its own AccountId; it must call the operation in standalone context by not including the
AccountId parameter" (Account Management API Reference, PutAlternateContact, AccountId).

Every call is retried while AWS may yet accept it (constructs/functions/retries.py): the Account
Management API throttles (TooManyRequestsException), and the function's new role may not be
visible everywhere yet (AccessDenied). Deployed inline (the template's ZipFile), where Lambda
provides `cfnresponse` (CloudFormation User Guide, "cfn-response module")."""

from typing import Any

import boto3
import cfnresponse
from botocore.config import Config
from botocore.exceptions import ClientError

from constructs.functions.retries import retrying

PHYSICAL_ID = "alternate-contacts"
Contacts = dict[str, dict[str, dict[str, str]]]  # account ID -> contact type -> PutAlternateContact's fields


def handler(event: dict[str, Any], context: Any) -> None:
    status, reason = cfnresponse.SUCCESS, None
    try:
        wanted = contacts_of(event["ResourceProperties"])
        contacts = AlternateContacts(context)
        if event["RequestType"] == "Delete":
            contacts.apply(had=wanted, wanted={account_id: {} for account_id in wanted})
        else:
            contacts.apply(had=contacts_of(event.get("OldResourceProperties", {})), wanted=wanted)
    except Exception as error:  # any failure must still be answered
        status, reason = cfnresponse.FAILED, f"{type(error).__name__}: {error}"[:1000]
    # The same physical ID always: a new one would have CloudFormation delete the "old" resource,
    # and with it every contact just set.
    cfnresponse.send(event, context, status, {}, physicalResourceId=event.get("PhysicalResourceId", PHYSICAL_ID), reason=reason)


def contacts_of(properties: dict[str, Any]) -> Contacts:
    sets = properties.get("ContactSets", {})
    return {account_id: sets[name] for name, account_ids in properties.get("Accounts", {}).items() for account_id in account_ids}


class AlternateContacts:
    def __init__(self, context: Any) -> None:
        self.context = context
        # The function's own account (its ARN: arn:aws:lambda:region:account:function:name).
        self.own_account = context.invoked_function_arn.split(":")[4]
        self.client: Any = boto3.client("account", config=Config(retries={"mode": "adaptive", "max_attempts": 3}))

    def apply(self, had: Contacts, wanted: Contacts) -> None:
        """Make each account in `wanted` hold its contacts, from what `had` says it holds."""
        for account_id, contacts in sorted(wanted.items()):
            before = had.get(account_id, {})
            for kind, contact in sorted(contacts.items()):
                if before.get(kind) != contact:
                    self.call("put_alternate_contact", account_id, kind, **contact)
            for kind in sorted(set(before) - set(contacts)):
                self.call("delete_alternate_contact", account_id, kind)

    def call(self, operation: str, account_id: str, kind: str, **contact: str) -> None:
        parameters = {"AlternateContactType": kind, **contact}
        if account_id != self.own_account:
            parameters["AccountId"] = account_id
        try:
            retrying(lambda: getattr(self.client, operation)(**parameters), self.context)
        except ClientError as error:
            if operation == "delete_alternate_contact" and error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                return  # none to delete: deleted already
            raise RuntimeError(f"the {kind} contact of account {account_id}: {error}") from None
