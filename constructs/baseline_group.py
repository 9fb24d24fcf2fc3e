"""An IAM group of the management account: all permissions live on groups, never on users."""

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import aws_iam as iam

from constructs import Construct
from constructs.acknowledgements import acknowledge, aws_managed_policy_finding, wildcard_findings
from constructs.sdk_call import pin_logical_id


class BaselineGroup(Construct):
    """A named group with managed policies and inline policy documents (such as which roles it
    may assume in member accounts). Inline policies are the group's own `Policies` property, not
    separate AWS::IAM::Policy resources: one resource, so a policy can never be put by a new
    resource and then deleted by the old one it replaces (both write the same group policy name)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        group_name: str,
        logical_id: str,
        managed_policies: Sequence[iam.IManagedPolicy],
        inline_documents: Mapping[str, Mapping[str, Any]] = {},
        managed_policy_names: Sequence[str] = (),  # as org.yaml gives them: names or ARNs
    ) -> None:
        super().__init__(scope, id)
        self.group = iam.Group(self, "Resource", group_name=group_name, managed_policies=list(managed_policies))
        resource = self.group.node.default_child
        assert isinstance(resource, iam.CfnGroup)
        if inline_documents:
            resource.policies = [
                iam.CfnGroup.PolicyProperty(policy_name=name, policy_document=dict(document)) for name, document in inline_documents.items()
            ]
        pin_logical_id(resource, logical_id)
        # What a group may do is org.yaml's choice, reviewed where it is written; orgboot's own
        # switch-roles policy names roles in every member account (account '*') by design, and its
        # deny on them outside the grants is what keeps the access matrix true (docs/checks.md).
        for policy in managed_policy_names:  # a customer managed policy's ARN is no finding: acknowledging it is harmless
            acknowledge(self, aws_managed_policy_finding(policy), f"org.yaml gives {group_name} this managed policy")
        for document in inline_documents.values():
            for finding in wildcard_findings(document):
                acknowledge(
                    self, finding, f"org.yaml's inline policy files for {group_name}, or roles in every member account for its grants"
                )
