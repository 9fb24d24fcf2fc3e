"""CDK stacks: composition only. `build` adds every orgboot stack for a spec to an app."""

import aws_cdk as cdk

from orgboot.spec import OrgSpec
from stacks.organization_stack import OrganizationStack

# Organizations, IAM and billing metrics are homed in us-east-1.
MANAGEMENT_REGION = "us-east-1"


def build(app: cdk.App, spec: OrgSpec) -> list[cdk.Stack]:
    env = cdk.Environment(region=MANAGEMENT_REGION)
    return [OrganizationStack(app, "OrganizationStack", spec=spec, env=env)]
