"""What a deploy did, resource by resource, as CloudFormation's events would say it: the offline
change set of `orgboot plan` (the head deployed over the base in the emulator) and of
`orgboot emulate old.out new.out`."""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

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


def restated(base: Mapping[str, Mapping[str, Any]], head: Mapping[str, Mapping[str, Any]], plan: Plan) -> list[ResourceChange]:
    """The resources whose properties the head's templates write otherwise (by stack name) but that
    the plan does not change: their values come out as they were (an adopted account's parent named
    by its ID, then looked up). CloudFormation's change set lists each as Modify all the same (its
    properties changed in the template: "DirectModification", their values known only when it
    runs; CloudFormation API Reference, ResourceChangeDetail), so the plan says so beside its
    changes. Only a plan that ran to the end tells: a failed one never reached some resources."""
    if plan.failure or plan.unavailable:
        return []
    changed = {(change.stack, change.logical_id) for change in plan.resources}
    found = []
    for stack, template in head.items():
        before = base.get(stack, {}).get("Resources", {})
        for logical_id, resource in template.get("Resources", {}).items():
            old = before.get(logical_id)
            if (
                old is not None
                and old.get("Type") == resource.get("Type")
                and (stack, logical_id) not in changed
                and _canonical(old.get("Properties", {})) != _canonical(resource.get("Properties", {}))
            ):
                found.append(ResourceChange(stack, logical_id, str(resource.get("Type")), "UPDATE"))
    return found


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
