"""One member account, protected from ever being closed by CloudFormation."""

from collections.abc import Mapping

from aws_cdk import CfnTag, RemovalPolicy
from aws_cdk import aws_organizations as organizations

from constructs import Construct


class MemberAccount(Construct):
    """AWS::Organizations::Account. Deleting this resource would CLOSE the account, so it is
    always retained (DeletionPolicy and UpdateReplacePolicy Retain): removing it from org.yaml, or
    a change that forces replacement, leaves the account alone in the organization."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        account_name: str,
        email: str,
        parent_id: str,
        logical_id: str,
        tags: Mapping[str, str] | None = None,
        role_name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.resource = organizations.CfnAccount(
            self,
            "Resource",
            account_name=account_name,
            email=email,
            parent_ids=[parent_id],
            role_name=role_name,
            tags=[CfnTag(key=k, value=v) for k, v in sorted((tags or {}).items())] or None,
        )
        self.resource.apply_removal_policy(RemovalPolicy.RETAIN)
        self.resource.override_logical_id(logical_id)
        self.account_id: str = self.resource.attr_account_id
