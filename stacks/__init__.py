"""CDK stacks: composition only. `build` adds every orgboot stack for a spec to an app."""

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk

from orgboot.analysis.grants import guarded_roles
from orgboot.aws.regions import HOME_REGION
from orgboot.spec import OrgSpec
from stacks.management_baseline_stack import ManagementBaselineStack
from stacks.member_roles_stack import MemberRolesStack
from stacks.organization_stack import OrganizationStack


def build(app: cdk.App, spec: OrgSpec) -> list[cdk.Stack]:
    env = cdk.Environment(region=HOME_REGION)
    organization = OrganizationStack(app, "OrganizationStack", spec=spec, env=env)
    baseline = ManagementBaselineStack(
        app,
        "ManagementBaselineStack",
        baseline=spec.management_baseline,
        organization_id=organization.root.organization_id,
        org_paths=organization.org_paths,
        guarded_roles=guarded_roles(spec),
        env=env,
    )
    roles = MemberRolesStack(app, "MemberRolesStack", member_roles=spec.member_roles, ou_ids=organization.ou_ids, env=env)
    return [organization, baseline, roles]


def cli_context(cdk_json: Path) -> dict[str, Any]:
    """The context the CDK CLI gives the app from cdk.json (feature flags among it), for apps built
    in-process (tests, benchmarks) to synthesize exactly what `cdk synth` does."""
    context: dict[str, Any] = json.loads(cdk_json.read_text())["context"]
    return {key: value for key, value in context.items() if key != "spec"}
