"""orgboot schema: the JSON Schema of org.yaml, for editor autocompletion and checks.

An editor validates org.yaml against it with a standard JSON Schema validator, so the schema must
accept every spec validate accepts (tests/spec/test_schema.py holds it to every example)."""

import argparse
import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema
from rich.console import Console

from orgboot.spec import OrgSpec

HELP = "print the JSON Schema of org.yaml (for editor autocompletion)"


class _KeysAsValidated(GenerateJsonSchema):
    """Pydantic writes a mapping whose keys have a pattern (accounts, policies, guardrails) as
    patternProperties, which lets any key that misses the pattern through unchecked, where
    validate refuses it. The pattern goes to propertyNames instead, so the editor refuses it too."""

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        generated = super().dict_schema(schema)
        patterns: dict[str, Any] = generated.get("patternProperties", {})
        if len(patterns) == 1 and "additionalProperties" not in generated:
            ((pattern, value),) = patterns.items()
            del generated["patternProperties"]
            generated["propertyNames"] = {**generated.get("propertyNames", {}), "pattern": pattern}
            generated["additionalProperties"] = value
        return generated


def json_schema() -> dict[str, Any]:
    return OrgSpec.model_json_schema(schema_generator=_KeysAsValidated)


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "schema", help=HELP, description=HELP[0].upper() + HELP[1:] + ": orgboot schema > org.schema.json", parents=[common]
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    print(json.dumps(json_schema(), indent=2))
    return 0
