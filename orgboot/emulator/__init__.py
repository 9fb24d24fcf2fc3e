"""Deploys synthesized templates into moto, resource by resource, with our own handlers.

Never moto's CloudFormation: it reports CREATE_COMPLETE for resource types it silently skips
(Organizations, Custom::AWS, StackSets), which would prove nothing.
"""

import json
from collections.abc import Mapping
from pathlib import Path

from orgboot.aws.parameters import EMULATOR_ONLY, EMULATOR_ONLY_VALUE
from orgboot.aws.quotas import STACK_OUTPUTS_MAX, STACK_PARAMETERS_MAX, STACK_RESOURCES_MAX, TEMPLATE_SIZE_MAX
from orgboot.emulator import identity_center
from orgboot.emulator.assembly import AssemblyStack, read_assembly
from orgboot.emulator.aws import AwsAccount, emulated_aws, management
from orgboot.emulator.config_delivery import all_delivery_problems
from orgboot.emulator.delivery import alarm_topic_problems, trail_problems
from orgboot.emulator.engine import Engine, Event
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.ordering import unordered_stack_writes


def deploy_assembly(
    engine: Engine,
    assembly: str | Path | list[AssemblyStack],
    parameters: Mapping[str, str] | None = None,
    *,
    rollback: bool = False,
) -> None:
    """Deploy every stack of a cloud assembly into the management account, dependencies first, as
    `cdk deploy --all` does: `parameters` as its --parameters takes them ({"Stack:Name": value});
    `rollback` False as --no-rollback (what orgboot deploy runs), True as a plain `cdk deploy`. The
    first stack that fails stops it, as it stops the CLI."""
    stacks = assembly if isinstance(assembly, list) else read_assembly(assembly)
    given = dict(parameters or {})
    names = {stack.name for stack in stacks}
    for key in given:
        stack_name = key.split(":", 1)[0]
        if stack_name not in names:
            raise EmulationError(f"parameter {key}: the assembly has no stack {stack_name} (it has: {', '.join(sorted(names))})")
    templates = {stack.name: stack.template for stack in stacks}
    if unordered := unordered_stack_writes(templates, {stack.name: stack.dependencies for stack in stacks}):
        first, second = unordered[0]
        raise EmulationError(
            f"{first} and {second} both change the organization and neither depends on the other: `cdk deploy`"
            " may deploy them at once (--concurrency), and Organizations refuses concurrent changes"
            f" (ConcurrentModificationException). Make {second} depend on {first}"
        )
    for stack in stacks:
        if not stack.template.get("Resources"):
            # Resources is the one required section of a template, with at least one resource
            # (CloudFormation User Guide, "Template anatomy"); CloudFormation's own words follow.
            raise EmulationError(f"{stack.name}: Template format error: At least one Resources member must be defined.")
        _check_quotas(stack)
        own = {key.split(":", 1)[1]: value for key, value in given.items() if key.startswith(stack.name + ":")}
        if EMULATOR_ONLY in stack.template.get("Parameters", {}):
            own[EMULATOR_ONLY] = EMULATOR_ONLY_VALUE  # what no real deploy gives (orgboot/aws/parameters.py)
        _prepare(engine, stack, rollback)
        # What a person does outside CloudFormation for IAM Identity Center (enable it, have the
        # identity provider sync the groups), done by the emulator where nothing says otherwise.
        engine.notes += identity_center.stand_in(stack)
        engine.deploy(stack.name, stack.template, management(stack.region), own, rollback=rollback)
    for region in sorted({stack.region for stack in stacks}):
        if problems := alarm_topic_problems(management(region)) + trail_problems(management(region)):
            raise EmulationError(f"deployed, but AWS services could not deliver: {'; '.join(problems)}")
    # Config's recorders deliver from every account and region the stacks reached.
    regions = {stack.region for stack in stacks} | {region for instances in engine.instances.values() for _, region in instances}
    if problems := all_delivery_problems(regions):
        raise EmulationError(f"deployed, but AWS Config could not deliver: {'; '.join(problems)}")


def _prepare(engine: Engine, stack: AssemblyStack, rollback: bool) -> None:
    """What the CDK CLI does with a stack a failed deploy left behind, before deploying it
    (aws-cdk-cli, packages/@aws-cdk/toolkit-lib/lib/api/deployments/deploy-stack.ts and
    stack-events/stack-status.ts): one whose creation failed and rolled back (ROLLBACK_COMPLETE,
    ROLLBACK_FAILED) is deleted first, then created again; one paused by --no-rollback
    (CREATE_FAILED, UPDATE_FAILED) is deployed again as it is, unless rollback is asked for: then
    the CLI asks to roll it back first, with RetainExceptOnCreate (deployments.ts, rollbackStack),
    which deletes what the failed deploy created, Retain or not: accounts would be closed. The
    emulator answers no to that question."""
    aws = management(stack.region)
    status = engine.stack_status(aws.account_id, stack.name)
    if status in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED"):
        try:
            engine.delete_stack(stack.name, aws)
        except EmulationError as error:
            raise EmulationError(
                f"Failed deleting stack {stack.name} that had previously failed creation (current state: DELETE_FAILED): {error}."
                " Delete it retaining what cannot be deleted (aws cloudformation delete-stack --retain-resources), then adopt"
                " what it leaves with orgboot import (docs/adopt.md)"
            ) from None
    elif rollback and status in ("CREATE_FAILED", "UPDATE_FAILED"):
        raise EmulationError(
            f'{stack.name}: Stack is in a paused fail state ({status}) and command line arguments do not include "--no-rollback":'
            " the CDK CLI would roll it back first, deleting what the failed deploy created, its accounts included (closed)."
            " Deploy with --no-rollback to resume"
        )


def _check_quotas(stack: AssemblyStack) -> None:
    """What CloudFormation refuses of a template before it creates anything (CloudFormation User
    Guide, "CloudFormation quotas"): resources, outputs and parameters per template, and the size of
    the template body the CDK CLI uploads to S3 (it writes templates indented by one space)."""
    template = stack.template
    for section, limit in (("Resources", STACK_RESOURCES_MAX), ("Outputs", STACK_OUTPUTS_MAX), ("Parameters", STACK_PARAMETERS_MAX)):
        if len(template.get(section, {})) > limit:
            raise EmulationError(f"{stack.name}: Template format error: {section} count {len(template[section])} exceeds the limit {limit}")
    size = len(json.dumps(template, indent=1, ensure_ascii=False).encode())
    if size > TEMPLATE_SIZE_MAX:
        raise EmulationError(f"{stack.name}: Template may not exceed {TEMPLATE_SIZE_MAX} bytes in size ({size} bytes)")


__all__ = ["AssemblyStack", "AwsAccount", "EmulationError", "Engine", "Event", "deploy_assembly", "emulated_aws", "management"]
