"""Member accounts, protected from ever being closed by CloudFormation."""

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_cdk import Fn
from aws_cdk import cloudformation_include as cfn_include

from constructs import Construct, IDependable


@dataclass(frozen=True)
class AccountProps:
    logical_id: str
    account_name: str
    email: str
    ou: str  # a key of the parent IDs given to MemberAccounts
    tags: Mapping[str, str]
    role_name: str | None = None


class MemberAccounts(Construct):
    """AWS::Organizations::Account resources, created one at a time in the order given (each
    waits for the one before: Organizations creates one account at a time, and CloudFormation's
    guide asks for DependsOn between accounts of one template). Deleting an account resource would
    CLOSE the account, so each is retained (DeletionPolicy and UpdateReplacePolicy Retain):
    removing it from org.yaml, or a change that forces replacement, leaves the account alone.

    The accounts are one CloudFormation fragment included in the stack (aws_cdk's
    cloudformation_include): a construct per account costs several calls from Python into the
    CDK's Node process (about 3 ms an account, bench/scale.py), the fragment one for them all."""

    def __init__(
        self, scope: Construct, id: str, *, accounts: list[AccountProps], parent_ids: Mapping[str, str], after: IDependable | None
    ) -> None:
        super().__init__(scope, id)
        if not accounts:
            raise ValueError("MemberAccounts needs at least one account")
        parameters = {ou: f"Parent{index}" for index, ou in enumerate(sorted({a.ou for a in accounts}))}
        resources: dict[str, Any] = {}
        previous = None
        for account in accounts:
            properties: dict[str, Any] = {
                "AccountName": account.account_name,
                "Email": account.email,
                "ParentIds": [{"Ref": parameters[account.ou]}],
            }
            if account.role_name is not None:
                properties["RoleName"] = account.role_name
            if account.tags:
                properties["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(account.tags.items())]
            resource = {"Type": "AWS::Organizations::Account", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
            resources[account.logical_id] = {**resource, "Properties": properties, **({"DependsOn": [previous]} if previous else {})}
            previous = account.logical_id
        fragment = {"Parameters": {name: {"Type": "String"} for name in parameters.values()}, "Resources": resources}
        with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
            json.dump(fragment, file)
            file.flush()
            included = cfn_include.CfnInclude(
                self, "Fragment", template_file=file.name, parameters={name: parent_ids[ou] for ou, name in parameters.items()}
            )
        if after is not None:
            included.get_resource(accounts[0].logical_id).node.add_dependency(after)
        self.last = included.get_resource(accounts[-1].logical_id)
        self._fragment = included

    @staticmethod
    def account_id(logical_id: str) -> str:
        return Fn.get_att(logical_id, "AccountId").to_string()

    def account_id_reference(self, logical_id: str) -> str:
        """The account's ID for another stack: a reference to the resource itself, which CDK turns
        into an output of this stack and a reference to it (cdk.json: weak cross-stack references)."""
        return self._fragment.get_resource(logical_id).get_att("AccountId").to_string()
