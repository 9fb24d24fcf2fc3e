"""CDK stacks: composition only. `build` adds every orgboot stack for a spec to an app."""

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import cdk_nag

from orgboot import __version__
from orgboot.analysis.grants import guarded_roles
from orgboot.aws.parameters import EMULATOR_ONLY, EMULATOR_ONLY_VALUE
from orgboot.aws.regions import HOME_REGION
from orgboot.spec import Account, OrgSpec, layout, logical_ids
from stacks.account_settings_stack import account_settings_stack
from stacks.accounts_stack import AccountsStack
from stacks.adoption import ADOPT_CONTEXT, Adoption, NotAdoptable
from stacks.identity_center_stack import adopt_identity_center_stacks, identity_center_stacks
from stacks.management_baseline_stack import ManagementBaselineStack
from stacks.member_roles_stack import MemberRolesStack
from stacks.organization_stack import OrganizationStack
from stacks.organization_trail import log_archive_target
from stacks.security_services_stack import security_services_stack

from constructs.deployed_spec import DeployedSpec


def build(app: cdk.App, spec: OrgSpec, packed_spec: str | None = None, adopt: Adoption | None = None) -> list[cdk.Stack]:
    """Every orgboot stack for `spec`; `packed_spec` (orgboot/spec/record.py), when given, is
    recorded in the stack deployed last, for the next `orgboot deploy` to read back. With `adopt`,
    the adopt assembly instead: what `cdk import` imports of an organization that exists."""
    # cdk-nag's AwsSolutions pack checks every template at synth; what orgboot accepts is
    # acknowledged beside its code (constructs/acknowledgements.py), anything else fails the synth.
    cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app))
    if adopt is not None:
        return _adopt(app, spec, adopt)
    env = cdk.Environment(region=HOME_REGION)
    organization = OrganizationStack(app, layout.ORGANIZATION_STACK, spec=spec, env=env)
    shards: list[cdk.Stack] = []
    account_stacks = spec.organization.account_stacks
    if account_stacks is not None:
        by_stack: dict[str, dict[str, Account]] = {name: {} for name in layout.account_stack_names(account_stacks)}
        for key, account in spec.accounts.items():
            by_stack[layout.account_stack(key, account_stacks)][key] = account
        shards = [
            AccountsStack(
                app,
                name,
                accounts=accounts,
                ou_identities=spec.ou_identities,
                contacts=spec.security_baseline.alternate_contacts,
                env=env,
            )
            for name, accounts in by_stack.items()
        ]
    baseline = ManagementBaselineStack(
        app,
        layout.MANAGEMENT_BASELINE_STACK,
        baseline=spec.management_baseline,
        organization_id=organization.root.organization_id,
        org_paths=organization.org_paths,
        guarded_roles=guarded_roles(spec),
        contacts=spec.security_baseline.alternate_contacts,
        log_archive=log_archive_target(spec, [organization, *shards], organization.root.root_id),
        env=env,
    )
    settings = account_settings_stack(app, spec, organization, [organization, *shards], env)
    security_services = security_services_stack(app, spec, [organization, *shards], organization.ou_ids, env)
    # identity_center: the permission sets right after the organization (the stack every assignment
    # stack refers to comes early: one_after_another says why), their assignments after the
    # accounts they are assigned in.
    permission_sets, assignments = _split(identity_center_stacks(app, spec))
    roles = MemberRolesStack(app, layout.MEMBER_ROLES_STACK, member_roles=spec.member_roles, ou_ids=organization.ou_ids, env=env)
    # In this order, one stack at a time: the accounts before the StackSets that roll out to them,
    # MemberRolesStack last of all (it keeps the record of the deploy).
    built = [organization, *permission_sets, *shards, baseline, settings, *security_services, *assignments, roles]
    one_after_another(built)
    if packed_spec is not None:
        record = DeployedSpec(roles, "DeployedSpec", packed=packed_spec, version=__version__, logical_id=logical_ids.DEPLOYED_SPEC)
        record.after_everything_else()
    if spec.emulator_only:
        for stack in built:
            _emulator_only(stack)
    return built


def _adopt(app: cdk.App, spec: OrgSpec, adopt: Adoption) -> list[cdk.Stack]:
    """The adopt assembly: OrganizationStack, the account stacks and the Identity Center stacks, each
    holding the resources its mapping names (the Organization, OUs, accounts, policies, permission
    sets and assignments that exist), with the logical IDs and properties of the normal synth. An
    IMPORT change set may only import, and the importer leaves out what the mapping does not name,
    so nothing else is there, nothing imported refers to anything else (the policy types are
    enabled already; OU IDs, the Identity Center instance, ARNs, group and account IDs are literal), and a stack with
    nothing to import is left out. The normal deploy that follows creates the rest."""
    adopt.check(spec)  # what the mappings must be for this spec, every problem at once (orgboot synth checked it too)
    env = cdk.Environment(region=HOME_REGION)
    built: list[cdk.Stack] = [OrganizationStack(app, layout.ORGANIZATION_STACK, spec=spec, adopt=adopt, env=env)]
    account_stacks = spec.organization.account_stacks
    if account_stacks is not None:
        for name in layout.account_stack_names(account_stacks):
            accounts = {
                key: account
                for key, account in spec.accounts.items()
                if layout.account_stack(key, account_stacks) == name and adopt.imports(name, logical_ids.account(key))
            }
            if accounts:
                parent_ids = adopt.parent_ids({account.ou for account in accounts.values()}, spec.ou_logical_id)
                built.append(AccountsStack(app, name, accounts=accounts, parent_ids=parent_ids, env=env))
    built += adopt_identity_center_stacks(app, spec, adopt)  # permission sets and assignments, the values AWS holds literal
    one_after_another(built)
    if spec.emulator_only:
        for stack in built:
            _emulator_only(stack)
    return built


def _split(identity_center: list[cdk.Stack]) -> tuple[list[cdk.Stack], list[cdk.Stack]]:
    """IdentityCenterStack, and the assignment stacks (both empty without identity_center)."""
    return identity_center[:1], identity_center[1:]


def one_after_another(stacks: list[cdk.Stack]) -> None:
    """Each stack waits for every stack before it in `stacks`, directly.

    orgboot's stacks write to Organizations (OrganizationStack its resources, the account stacks
    CreateAccount, ManagementBaselineStack the organization trail's trusted access,
    MemberRolesStack the StackSets'), which refuses concurrent changes
    (ConcurrentModificationException) and creates one account at a time; every stack is ordered,
    whether it writes today or not. `cdk deploy --concurrency N` deploys at once whatever stacks
    have all their dependencies deployed (aws-cdk-cli, packages/@aws-cdk/toolkit-lib/lib/api/
    work-graph/work-graph.ts: updateReadyPool takes a node only when every dependency is
    COMPLETED, forAllArtifacts starts up to N of them): with one total order no two stacks are
    ever ready together, whatever N. Direct dependencies on every earlier stack, not only on the
    one before, because the CLI drops the dependencies on stacks it was not asked to deploy
    (work-graph.ts: removeUnavailableDependencies; `cdk deploy --exclusively A B`): a chain
    through a stack left out would no longer order A and B, a direct dependency still does.
    Only the assembly's manifest changes (stack dependencies are no template content).

    The edges are added last stack first: before it adds an edge, the CDK looks for a cycle by
    walking every path from the stack depended on, without remembering what it walked (aws-cdk-lib,
    core/lib/stack.ts: _addStackDependency, stackDependencyReasons). In a total order that is
    2^k paths below the k-th stack: added first stack first, 30 stacks take minutes and the 80 of
    5,000 accounts with Identity Center would never finish. Added in this order, the stack depended
    on has no dependency of its own yet, and each check is one step. A cross-stack reference adds
    one more dependency when the app synthesizes, checked the same way from the stack referred to:
    stacks that others refer to come early (IdentityCenterStack's permission sets, which every
    assignment refers to, right after OrganizationStack), where few paths lie below them."""
    for index in reversed(range(len(stacks))):
        for later in stacks[index + 1 :]:
            later.add_stack_dependency(stacks[index])


def _emulator_only(stack: cdk.Stack) -> None:
    """An example's stacks need a value that only the emulator gives: a real `cdk deploy` stops
    before it creates anything (orgboot/aws/parameters.py)."""
    parameter = cdk.CfnParameter(
        stack,
        EMULATOR_ONLY,
        type="String",
        allowed_values=[EMULATOR_ONLY_VALUE],
        description="orgboot's example organization deploys only into the emulator: its account emails are example"
        " domains that receive no mail (org.yaml: emulator_only)",
    )
    # Said again as a rule, which CloudFormation checks before anything else and cfn-lint counts as a use.
    cdk.CfnRule(
        stack,
        "EmulatorOnlyRule",
        assertions=[
            cdk.CfnRuleAssertion(
                assert_=cdk.Fn.condition_equals(parameter.value_as_string, EMULATOR_ONLY_VALUE),
                assert_description="orgboot's example organization deploys only into the emulator (org.yaml: emulator_only)",
            )
        ],
    )


def cli_context(cdk_json: Path) -> dict[str, Any]:
    """The context the CDK CLI gives the app from cdk.json (feature flags among it), for apps built
    in-process (tests, benchmarks) to synthesize exactly what `cdk synth` does."""
    context: dict[str, Any] = json.loads(cdk_json.read_text())["context"]
    return {key: value for key, value in context.items() if key != "spec"}


__all__ = ["ADOPT_CONTEXT", "Adoption", "NotAdoptable", "build", "cli_context", "one_after_another"]
