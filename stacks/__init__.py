"""CDK stacks: composition only. `build` adds every orgboot stack for a spec to an app."""

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import cdk_nag

from orgboot.analysis.grants import guarded_roles
from orgboot.aws.regions import HOME_REGION
from orgboot.spec import Account, OrgSpec, layout
from stacks.accounts_stack import AccountsStack
from stacks.management_baseline_stack import ManagementBaselineStack
from stacks.member_roles_stack import MemberRolesStack
from stacks.organization_stack import OrganizationStack


def build(app: cdk.App, spec: OrgSpec) -> list[cdk.Stack]:
    # cdk-nag's AwsSolutions pack checks every template at synth; what orgboot accepts is
    # acknowledged beside its code (constructs/acknowledgements.py), anything else fails the synth.
    cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app))
    env = cdk.Environment(region=HOME_REGION)
    organization = OrganizationStack(app, layout.ORGANIZATION_STACK, spec=spec, env=env)
    # Every stack that creates accounts waits for the one before: one account at a time.
    last: cdk.Stack = organization
    shards: list[cdk.Stack] = []
    account_stacks = spec.organization.account_stacks
    if account_stacks is not None:
        by_stack: dict[str, dict[str, Account]] = {name: {} for name in layout.account_stack_names(account_stacks)}
        for key, account in spec.accounts.items():
            by_stack[layout.account_stack(key, account_stacks)][key] = account
        for name, accounts in by_stack.items():
            shard = AccountsStack(app, name, accounts=accounts, env=env)
            shard.add_stack_dependency(last)
            shards.append(shard)
            last = shard
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
    roles.add_stack_dependency(last)  # the StackSets roll out to every account at once
    return [organization, *shards, baseline, roles]


def cli_context(cdk_json: Path) -> dict[str, Any]:
    """The context the CDK CLI gives the app from cdk.json (feature flags among it), for apps built
    in-process (tests, benchmarks) to synthesize exactly what `cdk synth` does."""
    context: dict[str, Any] = json.loads(cdk_json.read_text())["context"]
    return {key: value for key, value in context.items() if key != "spec"}
