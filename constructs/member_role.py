"""A role as it lands in each member account (inside the StackSet's template)."""

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import aws_iam as iam

from constructs import Construct


class MemberRole(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role_name: str,
        trust_policy: Mapping[str, Any],
        description: str,
        managed_policy_arns: Sequence[str],
        inline_documents: Mapping[str, Mapping[str, Any]],
        permissions_boundary_arn: str | None,
        max_session_hours: int,
    ) -> None:
        super().__init__(scope, id)
        self.role = iam.CfnRole(
            self,
            "Resource",
            role_name=role_name,
            description=description or None,
            assume_role_policy_document=dict(trust_policy),
            managed_policy_arns=list(managed_policy_arns) or None,
            policies=[iam.CfnRole.PolicyProperty(policy_name=name, policy_document=dict(doc)) for name, doc in inline_documents.items()]
            or None,
            permissions_boundary=permissions_boundary_arn,
            max_session_duration=max_session_hours * 3600,
        )
        self.role.override_logical_id("Role")
