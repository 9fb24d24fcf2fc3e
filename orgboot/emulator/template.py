"""CloudFormation template mechanics: intrinsic functions, conditions and deployment order.

Written here because moto's own CloudFormation engine silently skips the resource types orgboot
is made of (Organizations, Custom::AWS, StackSets), and no maintained library resolves templates
against live state. It covers the intrinsics CDK emits; anything else is refused by name.
"""

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
            return separator.join(str(item) for item in self.resolve(items))
        if name == "Fn::Sub":
            return self._sub(*(arg if isinstance(arg, list) else [arg, {}]))
        if name == "Fn::Select":
            index, items = self.resolve(arg)
            return items[int(index)]
        if name == "Fn::Split":
            separator, text = self.resolve(arg)
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
