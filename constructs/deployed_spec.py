"""The record of what a deploy was made from: the spec (org.yaml and its policy files, packed by
orgboot/spec/record.py) in the Metadata of an SSM parameter whose value names the orgboot version
and the spec's digest. The value changes with every change of the spec, so CloudFormation updates
the resource, and its Metadata with it (a template's own Metadata section cannot be updated alone:
CloudFormation User Guide, "Metadata"). `orgboot deploy` reads it back with DescribeStackResource.

It is updated last, in the stack deployed last, after every other resource of that stack: a deploy
that fails midway (kept as it failed: --no-rollback) leaves the record of the last deploy that
succeeded, so a retry is checked against that one (an account whose creation failed is still new)."""

import json

from aws_cdk import CfnResource, Stack
from aws_cdk import aws_ssm as ssm

from orgboot.aws.parameters import DEPLOYED_SPEC_METADATA, DEPLOYED_SPEC_PARAMETER
from orgboot.spec.record import digest

from constructs import Construct


class DeployedSpec(Construct):
    def __init__(self, scope: Construct, id: str, *, packed: str, version: str, logical_id: str) -> None:
        super().__init__(scope, id)
        self.resource = ssm.CfnParameter(
            self,
            "Resource",
            type="String",
            name=DEPLOYED_SPEC_PARAMETER,
            value=json.dumps({"orgboot": version, "sha256": digest(packed)}, separators=(",", ":")),
            description="orgboot: the spec of the last successful deploy (in this resource's Metadata)",
        )
        self.resource.add_metadata(DEPLOYED_SPEC_METADATA, packed)
        self.resource.override_logical_id(logical_id)

    def after_everything_else(self) -> None:
        """Depend on every other resource of the stack (call when the stack is complete)."""
        stack = Stack.of(self)
        others = [c for c in stack.node.find_all() if isinstance(c, CfnResource) and c is not self.resource and c.stack is stack]
        self.resource.node.add_dependency(*others)
