"""The IDs of OUs created by another stack, read by path while this stack deploys."""

from collections.abc import Iterable
from pathlib import Path

from aws_cdk import CustomResource, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

from orgboot.aws.sdk_permissions import required_actions
from orgboot.spec import logical_ids
from orgboot.spec.layout import ou_lookup_group

from constructs import Construct
from constructs.sdk_call import wait_for_log_group

_LOOK_UP_OUS = Path(__file__).with_name("functions") / "look_up_ous.py"
_TIMEOUT = Duration.minutes(5)


class OuLookup(Construct):
    """One function and a lookup per group of paths (constructs/functions/look_up_ous.py). Paths
    are grouped by a hash of the path, so that each answer stays within CloudFormation's 4,096
    bytes and a path added to the stack changes one lookup only."""

    def __init__(self, scope: Construct, id: str, *, paths: Iterable[str]) -> None:
        super().__init__(scope, id)
        function = lambda_.Function(
            self,
            "Function",
            description="orgboot: looks up organizational unit IDs by path",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline(_LOOK_UP_OUS.read_text()),
            timeout=_TIMEOUT,
        )
        actions = {a for call in ("listRoots", "listOrganizationalUnitsForParent") for a in required_actions("Organizations", call)}
        function.add_to_role_policy(iam.PolicyStatement(actions=sorted(actions), resources=["*"]))
        groups: dict[int, dict[str, str]] = {}
        for path in sorted(set(paths)):
            groups.setdefault(ou_lookup_group(path), {})[logical_ids.ou(path)] = path
        self._ids: dict[str, str] = {}
        for group, paths_by_name in sorted(groups.items()):
            lookup = CustomResource(
                self,
                f"Group{group:02d}",
                resource_type="Custom::OrganizationalUnitIds",
                service_token=function.function_arn,
                properties={"Paths": paths_by_name},
                service_timeout=_TIMEOUT.plus(Duration.minutes(1)),
            )
            wait_for_log_group(lookup, function)
            for name, path in paths_by_name.items():
                self._ids[path] = lookup.get_att_string(name)

    def ou_id(self, path: str) -> str:
        return self._ids[path]
