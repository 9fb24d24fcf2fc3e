"""What a resource handler is: create, update, delete (and, for import, read) one resource type in
the emulated AWS."""

from dataclasses import dataclass, field
from typing import Any, Protocol

from orgboot.emulator.errors import EmulationError


@dataclass(frozen=True)
class Result:
    physical_id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    ref: Any = None  # what Ref returns, when it is not the physical ID
    changed: bool = True  # False when a reconciling update found nothing to do


class Context(Protocol):
    """What a handler may use: the account it deploys into and the engine (for nested deploys)."""

    @property
    def aws(self) -> Any: ...
    @property
    def engine(self) -> Any: ...
    @property
    def stack_name(self) -> str: ...
    @property
    def logical_id(self) -> str: ...
    @property
    def resource_type(self) -> str: ...
    def generated_name(self, limit: int = 64) -> str: ...
    def waits_for(self, logical_id: str) -> bool:
        """Whether this resource depends, directly or not, on `logical_id` of its stack."""
        ...


class Handler:
    """Default behaviour: an update the handler does not implement is refused (a silent
    replacement would prove something AWS does not do); deletes do nothing."""

    # True for resources whose effect depends on more than their properties (a StackSet's target
    # OUs gain accounts): the engine calls update on every deploy, not only when properties change.
    reconcile_every_deploy = False

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        raise NotImplementedError

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        changed = sorted(key for key in {*old, *new} if old.get(key) != new.get(key))
        raise EmulationError(
            f"the emulator cannot update {', '.join(changed)} of this resource in place; add an update to its handler in"
            " orgboot/emulator/handlers"
        )

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        return None

    def read(self, ctx: Context, identifier: str) -> dict[str, Any]:
        """The live resource its primary identifier names, properties and attributes, as the
        provider's read handler gives them: what CloudFormation reads to import it. Raises
        EmulationError when there is none (the read handler's NotFound)."""
        raise EmulationError(f"the emulator cannot import {ctx.resource_type} yet; add a read to its handler in orgboot/emulator/handlers")

    def result(self, ctx: Context, physical_id: str) -> Result:
        """What an existing resource gives Ref and Fn::GetAtt: for a resource imported, the same as
        for one this handler created."""
        raise EmulationError(
            f"the emulator cannot import {ctx.resource_type} yet; add a result to its handler in orgboot/emulator/handlers"
        )


def not_found(resource_type: str, identifier: str) -> EmulationError:
    """A read handler's NotFound, in the words of the CloudFormation CLI's Java plugin
    (cloudformation-cli-java-plugin, exceptions/ResourceNotFoundException)."""
    return EmulationError(f"Resource of type '{resource_type}' with identifier '{identifier}' was not found.")


class Inert(Handler):
    """A resource with no effect on the emulated AWS (CDK metadata, for one)."""

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        return Result(physical_id=f"{ctx.stack_name}-{ctx.logical_id}")

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        return Result(physical_id=physical_id)
