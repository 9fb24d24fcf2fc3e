"""AccountsStack: one shard of the organization's accounts (orgboot/spec/layout.py), for
organizations too large for one stack. Stacks deploy one after the other, and within a stack the
accounts are created one at a time: Organizations creates one account at a time per organization."""

from collections.abc import Mapping
from typing import Any

from aws_cdk import CfnResource, Stack

from orgboot.spec import Account, logical_ids
from orgboot.spec.contacts import AlternateContacts
from stacks.alternate_contacts import add_member_contacts

from constructs import Construct, IDependable
from constructs.member_accounts import AccountProps, MemberAccounts
from constructs.ou_lookup import OuLookup


def add_accounts(
    scope: Construct, accounts: Mapping[str, Account], parent_ids: Mapping[str, str], after: IDependable | None
) -> MemberAccounts:
    """The accounts, in key order, each waiting for the one before it (the first for `after`)."""
    props = [
        AccountProps(
            logical_id=logical_ids.account(key),
            account_name=account.name,
            email=account.email,
            ou=account.ou,
            tags=account.tags,
            role_name=account.role_name,
        )
        for key, account in sorted(accounts.items())
    ]
    return MemberAccounts(scope, "Accounts", accounts=props, parent_ids=parent_ids, after=after)


class AccountsStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        accounts: Mapping[str, Account],
        parent_ids: Mapping[str, str] | None = None,
        ou_identities: Mapping[str, str] | None = None,
        contacts: AlternateContacts | None = None,
        **kwargs: Any,
    ) -> None:
        """`parent_ids`: the OUs' IDs by path, when they are known (adopting an organization);
        otherwise the stack looks them up by path while it deploys, each lookup named by the OU's
        identity (`ou_identities`, path -> identity; the path itself when missing), so a rename in
        place keeps it. `contacts`: the alternate contacts the accounts take (OrganizationStack,
        deployed before, enabled Account Management's trusted access)."""
        super().__init__(scope, id, description="orgboot: member accounts of the organization (one shard)", **kwargs)
        if not accounts:
            # CloudFormation needs a resource in a stack; the shard keeps its place until it fills.
            CfnResource(self, "Empty", type="AWS::CloudFormation::WaitConditionHandle")
            return
        if parent_ids is None:
            paths = sorted({account.ou for account in accounts.values()})
            known = ou_identities or {}
            ous = OuLookup(self, "OuIds", identities={path: known.get(path, path) for path in paths})
            parent_ids = {path: ous.ou_id(path) for path in paths}
        add_accounts(self, accounts, parent_ids, after=None)
        add_member_contacts(self, contacts, accounts)


def account_id_reference(stack: Stack, key: str) -> str:
    """The ID of account `key` of `stack` (OrganizationStack or the account stack that holds it),
    for another stack to refer to."""
    accounts = stack.node.find_child("Accounts")  # what add_accounts added
    assert isinstance(accounts, MemberAccounts)
    return accounts.account_id_reference(logical_ids.account(key))
