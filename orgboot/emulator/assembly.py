"""Reads a cloud assembly (cdk.out) as the CDK CLI would: its stacks, templates and order.
Anything malformed is refused with what is wrong and what to do, never a traceback."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

from orgboot.aws.regions import HOME_REGION
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.template import malformed_function

STACK_ARTIFACT = "aws:cloudformation:stack"
_RESYNTH = "run `make synth` again"


@dataclass(frozen=True)
class AssemblyStack:
    name: str
    region: str
    template: dict[str, Any]
    dependencies: tuple[str, ...]


def _json(file: Path, what: str) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EmulationError(f"{file}: {what} is missing; {_RESYNTH}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EmulationError(f"{file}: {what} is not readable JSON ({error}); {_RESYNTH}") from None


def read_assembly(directory: str | Path) -> list[AssemblyStack]:
    """Stacks of the assembly in deployment order (dependencies first)."""
    directory = Path(directory)
    manifest_file = directory / "manifest.json"
    if not manifest_file.is_file():
        raise EmulationError(f"{directory} is not a cloud assembly (no manifest.json): run `make synth` first")
    manifest = _json(manifest_file, "the assembly manifest")
    artifacts = manifest.get("artifacts") if isinstance(manifest, dict) else None
    if not isinstance(artifacts, dict):
        raise EmulationError(f"{manifest_file}: no 'artifacts' in the manifest; {_RESYNTH}")
    stacks: dict[str, AssemblyStack] = {}
    for name, artifact in artifacts.items():
        if not isinstance(artifact, dict) or artifact.get("type") != STACK_ARTIFACT:
            continue
        try:
            region = str(artifact["environment"]).rsplit("/", 1)[1]
            template_file = directory / artifact["properties"]["templateFile"]
        except (KeyError, IndexError, TypeError):
            raise EmulationError(f"{manifest_file}: stack {name} has no environment or template file; {_RESYNTH}") from None
        template = _json(template_file, f"the template of stack {name}")
        _check_shape(template, template_file)
        dependencies = tuple(
            d for d in artifact.get("dependencies", []) if isinstance(artifacts.get(d), dict) and artifacts[d].get("type") == STACK_ARTIFACT
        )
        stacks[name] = AssemblyStack(name, HOME_REGION if region == "unknown-region" else region, template, dependencies)
    try:
        order = list(TopologicalSorter({name: stack.dependencies for name, stack in stacks.items()}).static_order())
    except CycleError as error:
        raise EmulationError(f"{manifest_file}: stacks depend on each other in a cycle: {' -> '.join(error.args[1])}") from None
    return [stacks[name] for name in order]


def _check_shape(template: Any, file: Path) -> None:
    """The shape every CloudFormation template has (the handlers rely on it)."""
    if not isinstance(template, dict):
        raise EmulationError(f"{file}: a template must be a JSON object; {_RESYNTH}")
    for section in ("Resources", "Parameters", "Outputs", "Conditions"):
        if not isinstance(template.get(section, {}), dict):
            raise EmulationError(f"{file}: {section} must be a JSON object; {_RESYNTH}")
    # Template format errors CloudFormation reports before it creates anything (User Guide,
    # "Template anatomy": each parameter needs a Type, each output a Value, and DependsOn names
    # resources of the template).
    for name, parameter in template.get("Parameters", {}).items():
        if not isinstance(parameter, dict) or not isinstance(parameter.get("Type"), str):
            raise EmulationError(f"{file}: parameter {name} has no Type; {_RESYNTH}")
    for name, output in template.get("Outputs", {}).items():
        if not isinstance(output, dict) or "Value" not in output:
            raise EmulationError(f"{file}: output {name} has no Value; {_RESYNTH}")
    resources = template.get("Resources", {})
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise EmulationError(f"{file}: resource {logical_id} has no Type; {_RESYNTH}")
        if not isinstance(resource.get("Properties", {}), dict):
            raise EmulationError(f"{file}: Properties of {logical_id} must be a JSON object; {_RESYNTH}")
        depends_on = resource.get("DependsOn", [])
        depends_on = [depends_on] if isinstance(depends_on, str) else depends_on
        if not isinstance(depends_on, list) or not all(isinstance(name, str) for name in depends_on):
            raise EmulationError(f"{file}: DependsOn of {logical_id} must be a logical ID or a list of them; {_RESYNTH}")
        if unresolved := [name for name in depends_on if name not in resources]:
            raise EmulationError(f"{file}: unresolved resource dependencies {unresolved} in DependsOn of {logical_id}; {_RESYNTH}")
    for section in ("Resources", "Outputs", "Conditions"):
        for name, entry in template.get(section, {}).items():
            if problem := malformed_function(entry):
                raise EmulationError(f"{file}: {section}.{name}: {problem}; {_RESYNTH}")


def secret_parameters(stacks: list[AssemblyStack]) -> list[str]:
    """ "Stack:Name" of every NoEcho parameter without a default: values a deployer must give
    (`cdk deploy --parameters`), such as a third party's external ID."""
    return [
        f"{stack.name}:{name}"
        for stack in stacks
        for name, definition in stack.template.get("Parameters", {}).items()
        if definition.get("NoEcho") and "Default" not in definition
    ]


PLACEHOLDER = "emulated-placeholder"


def with_placeholders(assemblies: list[list[AssemblyStack]], given: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """`given` parameters, and a placeholder for every secret one not given (the emulator needs a
    value; what it is changes nothing there): the values, and the keys that got a placeholder."""
    missing = [key for key in dict.fromkeys(k for stacks in assemblies for k in secret_parameters(stacks)) if key not in given]
    return {**dict.fromkeys(missing, PLACEHOLDER), **given}, missing
