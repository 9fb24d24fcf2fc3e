"""One organization policy and where it is attached."""

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import CfnTag
from aws_cdk import aws_organizations as organizations

from constructs import Construct


class OrganizationPolicy(Construct):
    """AWS::Organizations::Policy attached to `target_ids` (root, OU or account IDs).

    The content stays a JSON object in the template: CloudFormation stores it compact (the size
    AWS counts is the minified one, which validation checks), and unlike a JSON string an object
    keeps drift detection working."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        policy_type: str,
        content: Mapping[str, Any],
        target_ids: Sequence[str],
        logical_id: str,
        description: str,
        tags: Mapping[str, str],
    ) -> None:
        super().__init__(scope, id)
        self.resource = organizations.CfnPolicy(
            self,
            "Resource",
            name=name,
            type=policy_type,
            content=dict(content),
            description=description or None,
            target_ids=list(target_ids),
            tags=[CfnTag(key=key, value=value) for key, value in sorted(tags.items())] or None,
        )
        self.resource.override_logical_id(logical_id)
        self.policy_id: str = self.resource.attr_id
