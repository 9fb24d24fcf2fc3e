"""An IAM group of the management account: all permissions live on groups, never on users."""

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import aws_iam as iam

from constructs import Construct


class BaselineGroup(Construct):
    """A named group with managed policies, inline policy documents and extra statements (such as
    which roles it may assume in member accounts)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        group_name: str,
        managed_policies: Sequence[iam.IManagedPolicy],
        inline_documents: Mapping[str, Mapping[str, Any]] = {},
        statements: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(scope, id)
        self.group = iam.Group(self, "Resource", group_name=group_name, managed_policies=list(managed_policies))
        for name, document in inline_documents.items():
            self.group.attach_inline_policy(
                iam.Policy(self, f"Inline-{name}", policy_name=f"{group_name}-{name}", document=iam.PolicyDocument.from_json(dict(document)))
            )
        if statements:
            self.group.attach_inline_policy(
                iam.Policy(
                    self,
                    "SwitchRoles",
                    policy_name=f"{group_name}-switch-roles",
                    document=iam.PolicyDocument.from_json({"Version": "2012-10-17", "Statement": list(statements)}),
                )
            )
