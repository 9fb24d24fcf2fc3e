"""CloudFormation template mechanics: intrinsic functions, conditions and deployment order.

Written here because moto's own CloudFormation engine silently skips the resource types orgboot
is made of (Organizations, Custom::AWS, StackSets), and no maintained library resolves templates
against live state. It covers the intrinsics CDK emits; anything else is refused by name.
"""

import json
import re
from collections.abc import Callable, Mapping
from graphlib import CycleError, TopologicalSorter
from typing import Any

from orgboot.emulator.errors import EmulationError

NO_VALUE = object()  # AWS::NoValue: the property is removed


class Resolver:
    """Resolves intrinsic functions against pseudo parameters, parameters, conditions and the
    references/attributes of resources already deployed."""

    def __init__(
        self,
        *,
        pseudo: Mapping[str, Any],
        parameters: Mapping[str, Any],
        ref: Callable[[str], Any],
        get_att: Callable[[str, str], Any],
        import_value: Callable[[str], Any],
        stack_output: Callable[[str, str, str], Any] | None = None,
        conditions: Mapping[str, Any] | None = None,
    ) -> None:
        self._pseudo, self._parameters = pseudo, parameters
        self._ref, self._get_att, self._import_value = ref, get_att, import_value
        self._stack_output = stack_output
        self._condition_defs = conditions or {}
        self._condition_values: dict[str, bool] = {}

    def condition(self, name: str) -> bool:
        if name not in self._condition_values:
            if name not in self._condition_defs:
                raise EmulationError(f"condition '{name}' is not defined in the template")
            self._condition_values[name] = bool(self.resolve(self._condition_defs[name]))
        return self._condition_values[name]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [v for v in (self.resolve(item) for item in value) if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                return self._resolve_ref(argument)
            if key.startswith("Fn::") or key == "Condition":
                return self._function(key, argument)
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not NO_VALUE}

    def _resolve_ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self._pseudo:
            return self._pseudo[name]
        if name in self._parameters:
            return self._parameters[name]
        return self._ref(name)

    def _function(self, name: str, arg: Any) -> Any:
        if name == "Fn::GetAtt":
            logical_id, attribute = arg.split(".", 1) if isinstance(arg, str) else arg
            return self._get_att(logical_id, self.resolve(attribute))
        if name == "Fn::Join":
            separator, items = arg
            items = self.resolve(items)
            if not isinstance(items, list):
                raise EmulationError(f"Fn::Join takes a list of values to join, not {json.dumps(items)[:200]}")
            return separator.join(str(item) for item in items)
        if name == "Fn::Sub":
            return self._sub(*(arg if isinstance(arg, list) else [arg, {}]))
        if name == "Fn::Select":
            index, items = self.resolve(arg)
            if not isinstance(items, list) or not str(index).isdigit() or int(index) >= len(items):
                raise EmulationError(f"Fn::Select: index {json.dumps(index)} is not within {json.dumps(items)[:200]}")
            return items[int(index)]
        if name == "Fn::Split":
            separator, text = self.resolve(arg)
            if not isinstance(text, str):
                raise EmulationError(f"Fn::Split splits a string, not {json.dumps(text)[:200]}")
            return text.split(separator)
        if name == "Fn::ImportValue":
            return self._import_value(self.resolve(arg))
        if name == "Fn::GetStackOutput" and self._stack_output:  # CDK's weak cross-stack references
            arg = self.resolve(arg)
            return self._stack_output(arg["StackName"], arg.get("Region", self._pseudo["AWS::Region"]), arg["OutputName"])
        if name == "Fn::If":
            condition, if_true, if_false = arg
            return self.resolve(if_true if self.condition(condition) else if_false)
        if name == "Fn::Equals":
            left, right = self.resolve(arg)
            return left == right
        if name == "Fn::Not":
            return not self._truth(arg[0])
        if name == "Fn::And":
            return all(self._truth(item) for item in arg)
        if name == "Fn::Or":
            return any(self._truth(item) for item in arg)
        if name == "Condition":
            return self.condition(arg)
        raise EmulationError(f"intrinsic function {name} is not supported by the emulator")

    def _truth(self, item: Any) -> bool:
        return self.condition(item["Condition"]) if isinstance(item, dict) and "Condition" in item else bool(self.resolve(item))

    def _sub(self, text: str, variables: Mapping[str, Any]) -> str:
        local = {k: self.resolve(v) for k, v in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in local:
                return str(local[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return str(self._get_att(logical_id, attribute))
            return str(self._resolve_ref(name))

        return re.sub(r"\$\{([^}]+)\}", replace, text)


def _pair(argument: Any, first: type = object) -> bool:
    return isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], first)


# What each intrinsic function takes (the CloudFormation User Guide's "Intrinsic function
# reference", one page per function), checked before anything is resolved.
_ARGUMENTS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "Ref": (lambda a: isinstance(a, str), "a logical ID or parameter name"),
    "Fn::GetAtt": (lambda a: (isinstance(a, str) and "." in a) or _pair(a, str), '["LogicalId", "Attribute"] or "LogicalId.Attribute"'),
    "Fn::Join": (lambda a: _pair(a, str), '["delimiter", [values]]'),
    "Fn::Sub": (lambda a: isinstance(a, str) or (_pair(a, str) and isinstance(a[1], dict)), '"text" or ["text", {variables}]'),
    "Fn::Select": (_pair, "[index, [values]]"),
    "Fn::Split": (lambda a: _pair(a, str), '["delimiter", "text"]'),
    "Fn::If": (lambda a: isinstance(a, list) and len(a) == 3 and isinstance(a[0], str), '["Condition", value if true, value if false]'),
    "Fn::Equals": (_pair, "[value, value]"),
    "Fn::Not": (lambda a: isinstance(a, list) and len(a) == 1, "[condition]"),
    "Fn::And": (lambda a: isinstance(a, list) and 2 <= len(a) <= 10, "2 to 10 conditions"),
    "Fn::Or": (lambda a: isinstance(a, list) and 2 <= len(a) <= 10, "2 to 10 conditions"),
    "Fn::GetStackOutput": (lambda a: isinstance(a, dict) and {"StackName", "OutputName"} <= a.keys(), "{StackName, OutputName}"),
}


def malformed_function(value: Any) -> str | None:
    """The first intrinsic function in `value` whose argument has the wrong shape, described."""
    if isinstance(value, list):
        return next((found for item in value if (found := malformed_function(item))), None)
    if not isinstance(value, dict):
        return None
    if len(value) == 1:
        ((name, argument),) = value.items()
        if name in _ARGUMENTS and not _ARGUMENTS[name][0](argument):
            return f"{name} takes {_ARGUMENTS[name][1]}, not {json.dumps(argument)[:200]}"
    return next((found for item in value.values() if (found := malformed_function(item))), None)


def references(value: Any) -> set[str]:
    """Logical IDs (or parameter names) that `value` refers to through Ref, GetAtt or Sub."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
    elif isinstance(value, dict):
        for key, argument in value.items():
            if key == "Ref" and isinstance(argument, str):
                found.add(argument)
            elif key == "Fn::GetAtt":
                found.add(argument.split(".", 1)[0] if isinstance(argument, str) else argument[0])
            elif key == "Fn::Sub":
                text = argument if isinstance(argument, str) else argument[0]
                found |= {m.split(".", 1)[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text)}
                found |= references(argument[1] if isinstance(argument, list) else None)
            else:
                found |= references(argument)
    return found


def dependencies(resources: Mapping[str, Mapping[str, Any]]) -> dict[str, set[str]]:
    """What each resource waits for: the resources it references or names in DependsOn."""
    graph: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        depends_on = resource.get("DependsOn", [])
        depends_on = [depends_on] if isinstance(depends_on, str) else depends_on
        graph[logical_id] = (references(resource.get("Properties", {})) | set(depends_on)) & resources.keys() - {logical_id}
    return graph


def deployment_order(resources: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Logical IDs in an order where every resource comes after what it references or DependsOn,
    in waves kept in template order (deterministic runs)."""
    position = {logical_id: index for index, logical_id in enumerate(resources)}
    sorter = TopologicalSorter(dependencies(resources))
    try:
        sorter.prepare()
    except CycleError as error:
        raise EmulationError(f"circular dependency between resources: {' -> '.join(error.args[1])}") from None
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=position.__getitem__)
        order.extend(ready)
        sorter.done(*ready)
    return order
