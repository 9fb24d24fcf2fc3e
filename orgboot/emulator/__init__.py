"""Deploys synthesized templates into moto, resource by resource, with our own handlers.

Never moto's CloudFormation: it reports CREATE_COMPLETE for resource types it silently skips
(Organizations, Custom::AWS, StackSets), which would prove nothing.
"""

from collections.abc import Mapping
from pathlib import Path

from orgboot.emulator.assembly import read_assembly
from orgboot.emulator.aws import AwsAccount, emulated_aws, management
from orgboot.emulator.engine import Engine, Event
from orgboot.emulator.errors import EmulationError


def deploy_assembly(engine: Engine, directory: str | Path, parameters: Mapping[str, str] | None = None) -> None:
    """Deploy every stack of a cloud assembly into the management account, dependencies first.
    `parameters` are given as `cdk deploy --parameters` takes them: {"Stack:Name": value}."""
    for stack in read_assembly(directory):
        own = {key.split(":", 1)[1]: value for key, value in (parameters or {}).items() if key.startswith(stack.name + ":")}
        engine.deploy(stack.name, stack.template, management(stack.region), own)


__all__ = ["AwsAccount", "EmulationError", "Engine", "Event", "deploy_assembly", "emulated_aws", "management"]
