"""Deploys synthesized templates into moto, resource by resource, with our own handlers.

Never moto's CloudFormation: it reports CREATE_COMPLETE for resource types it silently skips
(Organizations, Custom::AWS, StackSets), which would prove nothing.
"""

from collections.abc import Callable
from pathlib import Path

from orgboot.emulator.assembly import read_assembly
from orgboot.emulator.aws import AwsAccount, emulated_aws, management
from orgboot.emulator.engine import Engine, Event
from orgboot.emulator.errors import EmulationError


def deploy_assembly(engine: Engine, directory: str | Path) -> None:
    """Deploy every stack of a cloud assembly into the management account, dependencies first."""
    for stack in read_assembly(directory):
        engine.deploy(stack.name, stack.template, management(stack.region))


__all__ = ["AwsAccount", "EmulationError", "Engine", "Event", "deploy_assembly", "emulated_aws", "management"]
