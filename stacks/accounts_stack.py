"""AccountsStack: one shard of the organization's accounts (orgboot/spec/layout.py), for
organizations too large for one stack. Stacks deploy one after the other, and within a stack the
accounts are created one at a time: Organizations creates one account at a time per organization."""

from collections.abc import Callable, Mapping
from typing import Any

from aws_cdk import CfnResource, Stack

from orgboot.spec import Account, logical_ids

from constructs import Construct, IDependable
from constructs.member_account import MemberAccount
from constructs.ou_lookup import OuLookup


def add_accounts(
    scope: Construct, accounts: Mapping[str, Account], parent_id: Callable[[str], str], after: IDependable | None
) -> dict[str, MemberAccount]:
    """The accounts, by key, each waiting for the one before it (the first for `after`)."""
    members: dict[str, MemberAccount] = {}
    for key in sorted(accounts):
        account = accounts[key]
        member = MemberAccount(
            scope,
            f"Account-{key}",
            account_name=account.name,
            email=account.email,
            parent_id=parent_id(account.ou),
            tags=account.tags,
            role_name=account.role_name,
            logical_id=logical_ids.account(key),
        )
        if after is not None:
            member.node.add_dependency(after)
        members[key] = after = member
    return members


class AccountsStack(Stack):
    def __init__(self, scope: Construct, id: str, *, accounts: Mapping[str, Account], **kwargs: Any) -> None:
        super().__init__(scope, id, description="orgboot: member accounts of the organization (one shard)", **kwargs)
        if not accounts:
            # CloudFormation needs a resource in a stack; the shard keeps its place until it fills.
            CfnResource(self, "Empty", type="AWS::CloudFormation::WaitConditionHandle")
            self.accounts: dict[str, MemberAccount] = {}
            return
        ous = OuLookup(self, "OuIds", paths=(account.ou for account in accounts.values()))
        self.accounts = add_accounts(self, accounts, ous.ou_id, after=None)
