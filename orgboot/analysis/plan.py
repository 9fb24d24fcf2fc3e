"""What a deploy did, resource by resource, as CloudFormation's events would say it: the offline
change set of `orgboot plan` (the head deployed over the base in the emulator) and of
`orgboot emulate old.out new.out`."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

ACTIONS = ("CREATE", "UPDATE", "REPLACE", "DELETE", "RETAIN")


class ResourceEvent(Protocol):
    """What a deploy did to one resource (the emulator's Event)."""

    @property
    def stack(self) -> str: ...
    @property
    def logical_id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def account_id(self) -> str: ...


@dataclass(frozen=True)
class ResourceChange:
    stack: str
    logical_id: str
    type: str
    action: str


@dataclass(frozen=True)
class InstanceChange:
    """A StackSet's instances in member accounts, by action."""

    stack: str
    action: str
    accounts: int


def resource_changes(events: Iterable[ResourceEvent], management_account_id: str) -> tuple[list[ResourceChange], list[InstanceChange]]:
    """One change per resource of the management account's stacks, in event order (a replacement's
    deletion of the old resource is part of the replacement), and one per StackSet and action for
    its instances in member accounts."""
    resources: dict[tuple[str, str], ResourceChange] = {}
    instances: dict[tuple[str, str], set[str]] = {}
    for event in events:
        if event.account_id == management_account_id:
            earlier = resources.get((event.stack, event.logical_id))
            replaced = earlier is not None and earlier.action == "REPLACE" and event.action == "DELETE"
            action = "REPLACE" if replaced else event.action
            resources[(event.stack, event.logical_id)] = ResourceChange(event.stack, event.logical_id, event.type, action)
        else:
            instances.setdefault((event.stack, event.action), set()).add(event.account_id)
    stackset_changes = [InstanceChange(stack, action, len(accounts)) for (stack, action), accounts in instances.items()]
    return list(resources.values()), stackset_changes


@dataclass(frozen=True)
class Plan:
    """The head deployed over the base: what changed before it finished or failed."""

    resources: tuple[ResourceChange, ...]
    instances: tuple[InstanceChange, ...]
    failure: str | None = None  # why the deploy stopped, as CloudFormation would say it
    unavailable: str | None = None  # why there is no plan: the base cannot be synthesized or deployed

    @classmethod
    def missing(cls, reason: str) -> "Plan":
        return cls((), (), unavailable=reason)

    @classmethod
    def of(cls, events: Iterable[ResourceEvent], management_account_id: str, failure: str | None = None) -> "Plan":
        resources, instances = resource_changes(events, management_account_id)
        return cls(tuple(resources), tuple(instances), failure)
