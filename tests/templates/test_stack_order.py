"""`cdk deploy --concurrency N`: no two stacks that write to Organizations ever deploy at once.

The CDK CLI reads the assembly's manifest.json: it deploys at once, up to N, every stack whose
dependencies are all deployed, and drops the dependencies on stacks it was not asked to deploy
(aws-cdk-cli, packages/@aws-cdk/toolkit-lib/lib/api/work-graph/work-graph.ts: updateReadyPool,
forAllArtifacts, removeUnavailableDependencies). The emulator deploys the stacks one by one, so
these tests read the synthesized assembly itself, as the CLI does."""

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack

from orgboot.emulator.ordering import unordered_stack_writes, writes_of_stack
from orgboot.spec import logical_ids
from stacks import one_after_another

SPREAD_STACKS = [
    "OrganizationStack",
    "IdentityCenterStack",
    "OrganizationAccounts01",
    "OrganizationAccounts02",
    "OrganizationAccounts03",
    "ManagementBaselineStack",
    "AccountSettingsStack",
    "SecurityServicesStack",
    "IdentityCenterAssignments",
    "MemberRolesStack",
]


def manifest(assembly: Path) -> tuple[dict[str, dict[str, Any]], dict[str, set[str]]]:
    """Each stack's template and the stacks it depends on, as the manifest says."""
    artifacts = json.loads((assembly / "manifest.json").read_text())["artifacts"]
    stacks = {name: artifact for name, artifact in artifacts.items() if artifact["type"] == "aws:cloudformation:stack"}
    templates = {name: json.loads((assembly / artifact["properties"]["templateFile"]).read_text()) for name, artifact in stacks.items()}
    return templates, {name: {d for d in artifact.get("dependencies", []) if d in stacks} for name, artifact in stacks.items()}


def may_run_together(dependencies: dict[str, set[str]], selected: set[str]) -> set[frozenset[str]]:
    """The pairs of `selected` stacks that the CLI may deploy at the same time with enough
    concurrency: dependencies on stacks not selected are dropped, then two stacks overlap unless
    one waits, through the dependencies left, for the other."""
    kept = {name: dependencies[name] & selected for name in selected}

    def waits_for(stack: str, other: str) -> bool:
        seen: set[str] = set()
        todo = [stack]
        while todo:
            for dependency in kept[todo.pop()] - seen:
                if dependency == other:
                    return True
                seen.add(dependency)
                todo.append(dependency)
        return False

    return {frozenset(pair) for pair in itertools.combinations(sorted(selected), 2) if not waits_for(*pair) and not waits_for(*pair[::-1])}


def test_every_write_to_the_organization_by_stack(spread):
    """Where the writes are: every stack of a spread organization writes to Organizations (resources
    of its types, or custom resources whose calls need an Organizations write). A stack that starts
    or stops writing, or writes something else, shows here."""
    templates, _ = manifest(spread[1])
    writes = {name: sorted({w for ws in writes_of_stack(template).values() for w in ws}) for name, template in templates.items()}
    assert (
        writes
        == {
            "OrganizationStack": [
                "AWS::Organizations::Organization",
                "AWS::Organizations::OrganizationalUnit",
                "AWS::Organizations::Policy",
                "organizations:DisablePolicyType",
                "organizations:EnableAWSServiceAccess",  # Account Management's trusted access
                "organizations:EnablePolicyType",
            ],
            **{name: ["AWS::Organizations::Account"] for name in SPREAD_STACKS[2:5]},
            # The organization trail's trusted access, and the StackSets' for the trail's log archive.
            "ManagementBaselineStack": ["organizations:EnableAWSServiceAccess"],
            # The StackSets' and AWS Config's trusted access, Config's delegated administrator (registered, deregistered on delete).
            "AccountSettingsStack": [
                "organizations:DeregisterDelegatedAdministrator",
                "organizations:EnableAWSServiceAccess",
                "organizations:RegisterDelegatedAdministrator",
            ],
            # The StackSets' and each service's trusted access; the delegated administrator registered
            # (directly, or by GuardDuty's and Security Hub's designations), deregistered on delete.
            "SecurityServicesStack": [
                "organizations:DeregisterDelegatedAdministrator",
                "organizations:EnableAWSServiceAccess",
                "organizations:RegisterDelegatedAdministrator",
            ],
            # The example's identity_center: permission sets and assignments, which read the organization only
            # (their lookups' ListAccounts).
            "IdentityCenterStack": [],
            "IdentityCenterAssignments": [],
            "MemberRolesStack": ["organizations:EnableAWSServiceAccess"],  # the StackSets' trusted access
        }
    )
    assert sorted(writes_of_stack(templates["ManagementBaselineStack"])) == sorted(
        [logical_ids.CLOUDTRAIL_TRUSTED_ACCESS, logical_ids.LOG_ARCHIVE_TRUSTED_ACCESS]
    )
    assert list(writes_of_stack(templates["MemberRolesStack"])) == [logical_ids.STACKSETS_TRUSTED_ACCESS]


@pytest.mark.parametrize("assembly", ["example_assembly", "spread"])
def test_stacks_that_write_to_organizations_never_deploy_together_at_any_concurrency(request, assembly):
    """`cdk deploy --all --concurrency N`: every stack is selected."""
    found = request.getfixturevalue(assembly)
    templates, dependencies = manifest(found if isinstance(found, Path) else found[1])
    writers = {name for name, template in templates.items() if writes_of_stack(template)}
    assert len(writers) >= 3
    assert {pair for pair in may_run_together(dependencies, set(templates)) if pair <= writers} == set()


def test_nor_when_only_some_stacks_are_deployed(spread):
    """`cdk deploy --exclusively A B --concurrency 2`, for every pair: the CLI drops the dependencies
    on the stacks between them, so only a direct dependency keeps them apart."""
    templates, dependencies = manifest(spread[1])
    assert set(templates) == set(SPREAD_STACKS)
    for pair in itertools.combinations(SPREAD_STACKS, 2):
        assert may_run_together(dependencies, set(pair)) == set(), pair
    assert unordered_stack_writes(templates, dependencies) == []


def test_the_deploy_order_is_the_organization_then_the_accounts_then_the_baseline_then_the_roles(spread):
    _, dependencies = manifest(spread[1])
    for index, stack in enumerate(SPREAD_STACKS):
        assert dependencies[stack] == set(SPREAD_STACKS[:index]), stack


def test_unordered_writers_are_found():
    """The check itself: two stacks with accounts and no dependency between them are a finding,
    one dependency either way is not."""
    account = {"Resources": {"A": {"Type": "AWS::Organizations::Account", "Properties": {}}}}
    no_write = {"Resources": {"H": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}}
    templates: dict[str, dict[str, Any]] = {"One": account, "Two": account, "Quiet": no_write}
    assert unordered_stack_writes(templates, {}) == [("One", "Two")]
    assert unordered_stack_writes(templates, {"One": ["Two"]}) == []


def test_one_after_another_orders_every_stack_directly():
    app = App()
    built = [Stack(app, name) for name in ("A", "B", "C")]
    one_after_another(built)
    assert [sorted(s.stack_name for s in stack.dependencies) for stack in built] == [[], ["A"], ["A", "B"]]
