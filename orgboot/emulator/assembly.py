"""Reads a cloud assembly (cdk.out) as the CDK CLI would: its stacks, templates and order."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgboot.emulator.errors import EmulationError


@dataclass(frozen=True)
class AssemblyStack:
    name: str
    region: str
    template: dict[str, Any]
    dependencies: tuple[str, ...]


def read_assembly(directory: str | Path) -> list[AssemblyStack]:
    """Stacks of the assembly in deployment order (dependencies first)."""
    directory = Path(directory)
    manifest_file = directory / "manifest.json"
    if not manifest_file.is_file():
        raise EmulationError(f"{directory} is not a cloud assembly (no manifest.json): run `make synth` first")
    artifacts = json.loads(manifest_file.read_text())["artifacts"]
    stacks: dict[str, AssemblyStack] = {}
    for name, artifact in artifacts.items():
        if artifact["type"] != "aws:cloudformation:stack":
            continue
        region = artifact["environment"].rsplit("/", 1)[1]
        template = json.loads((directory / artifact["properties"]["templateFile"]).read_text())
        dependencies = tuple(d for d in artifact.get("dependencies", []) if artifacts.get(d, {}).get("type") == "aws:cloudformation:stack")
        stacks[name] = AssemblyStack(name, "us-east-1" if region == "unknown-region" else region, template, dependencies)
    ordered: list[AssemblyStack] = []
    while len(ordered) < len(stacks):
        done = {s.name for s in ordered}
        ordered += [s for s in stacks.values() if s.name not in done and set(s.dependencies) <= done]
    return ordered


def secret_parameters(stacks: list[AssemblyStack]) -> list[str]:
    """"Stack:Name" of every NoEcho parameter without a default: values a deployer must give
    (`cdk deploy --parameters`), such as a third party's external ID."""
    return [
        f"{stack.name}:{name}"
        for stack in stacks
        for name, definition in stack.template.get("Parameters", {}).items()
        if definition.get("NoEcho") and "Default" not in definition
    ]
