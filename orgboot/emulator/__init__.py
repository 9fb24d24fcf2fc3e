"""Deploys synthesized templates into moto, resource by resource, with our own handlers.

Never moto's CloudFormation: it reports CREATE_COMPLETE for resource types it silently skips
(Organizations, Custom::AWS, StackSets), which would prove nothing.
"""

import json
from collections.abc import Mapping
from pathlib import Path

from orgboot.aws.parameters import EMULATOR_ONLY, EMULATOR_ONLY_VALUE
from orgboot.aws.quotas import STACK_OUTPUTS_MAX, STACK_PARAMETERS_MAX, STACK_RESOURCES_MAX, TEMPLATE_SIZE_MAX
from orgboot.emulator.assembly import AssemblyStack, read_assembly
from orgboot.emulator.aws import AwsAccount, emulated_aws, management
from orgboot.emulator.delivery import alarm_topic_problems, trail_problems
from orgboot.emulator.engine import Engine, Event
from orgboot.emulator.errors import EmulationError


def deploy_assembly(engine: Engine, assembly: str | Path | list[AssemblyStack], parameters: Mapping[str, str] | None = None) -> None:
    """Deploy every stack of a cloud assembly into the management account, dependencies first.
    `parameters` are given as `cdk deploy --parameters` takes them: {"Stack:Name": value}."""
    stacks = assembly if isinstance(assembly, list) else read_assembly(assembly)
    given = dict(parameters or {})
    names = {stack.name for stack in stacks}
    for key in given:
        stack_name = key.split(":", 1)[0]
        if stack_name not in names:
            raise EmulationError(f"parameter {key}: the assembly has no stack {stack_name} (it has: {', '.join(sorted(names))})")
    for stack in stacks:
        if not stack.template.get("Resources"):
            # Resources is the one required section of a template, with at least one resource
            # (CloudFormation User Guide, "Template anatomy"); CloudFormation's own words follow.
            raise EmulationError(f"{stack.name}: Template format error: At least one Resources member must be defined.")
        _check_quotas(stack)
        own = {key.split(":", 1)[1]: value for key, value in given.items() if key.startswith(stack.name + ":")}
        if EMULATOR_ONLY in stack.template.get("Parameters", {}):
            own[EMULATOR_ONLY] = EMULATOR_ONLY_VALUE  # what no real deploy gives (orgboot/aws/parameters.py)
        engine.deploy(stack.name, stack.template, management(stack.region), own)
    for region in sorted({stack.region for stack in stacks}):
        if problems := alarm_topic_problems(management(region)) + trail_problems(management(region)):
            raise EmulationError(f"deployed, but AWS services could not deliver: {'; '.join(problems)}")


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
