"""orgboot schema: the JSON Schema of org.yaml, for editor autocompletion and checks.

An editor validates org.yaml against it with a standard JSON Schema validator, so the schema must
accept every spec validate accepts (tests/spec/test_schema.py holds it to every example)."""

import argparse
import json
import sys
from functools import cache
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import CoreSchema, core_schema
from rich.console import Console

from orgboot.aws import quotas
from orgboot.aws.organizations import ROOT
from orgboot.spec import OrgSpec
from orgboot.spec.fields import check_ou_path, parse_ou_entry
from orgboot.spec.references import check_ou_reference, check_target
from orgboot.spec.roles import _check_role_target

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

    def generate_inner(self, schema: CoreSchema | core_schema.ModelField | core_schema.DataclassField) -> JsonSchemaValue:
        """OU paths: their checks are functions, which pydantic writes as a bare string. An editor
        would then take '/Security/' where validate refuses it: the pattern says what they accept."""
        generated = super().generate_inner(schema)
        kind = schema.get("type")
        validator = schema.get("function")
        function = validator.get("function") if isinstance(validator, dict) else None
        if kind == "function-after" and function is check_ou_path:
            return {**generated, "pattern": ou_path_pattern(root=False)}
        if kind == "function-after" and function in _OU_REFERENCES:
            return {**generated, "pattern": ou_path_pattern(root=True)}
        if kind == "function-plain" and function is parse_ou_entry:  # a path, or `Path: {key: K}`
            entry = [
                {**form, "pattern": ou_path_pattern(root=False)}
                if form.get("type") == "string"
                else {**form, "propertyNames": {"pattern": ou_path_pattern(root=False)}}
                for form in generated["anyOf"]
            ]
            return {**generated, "anyOf": entry}
        return generated


# The checks of a reference to an OU: Root or an OU path (a target may be an account key too, which
# has the form of an OU name); that the path is declared is validate's, beyond a schema.
_OU_REFERENCES = (check_ou_reference, check_target, _check_role_target)


@cache
def ou_path_pattern(root: bool) -> str:
    """What check_ou_path accepts, as a JSON Schema pattern (ECMA-262, which Python's re reads
    alike): 1 to MAX_OU_DEPTH names separated by '/', each 1 to OU_NAME_MAX characters and equal to
    its strip(), so not starting or ending with any character str.isspace() holds; never Root itself
    unless `root` (references may name the root)."""
    edge = f"[^/{_ranges([code for code in range(sys.maxunicode + 1) if chr(code).isspace()])}]"
    name = f"{edge}(?:[^/]{{0,{quotas.OU_NAME_MAX - 2}}}{edge})?"
    not_root = "" if root else f"(?!{ROOT}$)"
    # (?!\\n) before $: Python's $ also matches before a final newline, ECMA-262's only at the end.
    return f"^{not_root}{name}(?:/{name}){{0,{quotas.MAX_OU_DEPTH - 1}}}(?!\\n)$"


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


def _ranges(codes: list[int]) -> str:
    """Code points as a regular expression's class body: runs written first-last, in \\u escapes."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(f"\\u{first:04x}" + (f"-\\u{last:04x}" if last > first else "") for first, last in runs)
