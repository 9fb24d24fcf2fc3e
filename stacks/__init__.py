"""CDK stacks: composition only. `build` adds every orgboot stack for a spec to an app."""

import aws_cdk as cdk

from orgboot.spec import OrgSpec
from stacks.management_baseline_stack import ManagementBaselineStack
from stacks.member_roles_stack import MemberRolesStack
from stacks.organization_stack import OrganizationStack

# Organizations, IAM and billing metrics are homed in us-east-1.
MANAGEMENT_REGION = "us-east-1"


def build(app: cdk.App, spec: OrgSpec) -> list[cdk.Stack]:
    env = cdk.Environment(region=MANAGEMENT_REGION)
    organization = OrganizationStack(app, "OrganizationStack", spec=spec, env=env)
    baseline = ManagementBaselineStack(
        app,
        "ManagementBaselineStack",
        baseline=spec.management_baseline,
        organization_id=organization.root.organization_id,
        org_paths=organization.org_paths,
        env=env,
    )
    roles = MemberRolesStack(app, "MemberRolesStack", member_roles=spec.member_roles, ou_ids=organization.ou_ids, env=env)
    return [organization, baseline, roles]
