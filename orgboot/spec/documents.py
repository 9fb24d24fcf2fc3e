"""Policy documents org.yaml points at: JSON files, relative to org.yaml, read while validating."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo, WithJsonSchema

from orgboot.spec.problems import SpecError
from orgboot.spec.yaml_source import parse_yaml


@dataclass(frozen=True)
class PolicyDocument:
    """A policy file as written (path relative to org.yaml), its parsed JSON, and where it is on
    disk and each element's line (for messages about what is inside)."""

    path: str
    content: dict[str, Any]
    file: str = ""  # the path to show in messages: relative to where orgboot runs, as org.yaml is
    lines: Mapping[tuple[str | int, ...], int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, path: tuple[str | int, ...]) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    @property
    def name(self) -> str:
        """The file's name without .json: what an inline policy built from it is called."""
        return Path(self.path).name.removesuffix(".json")

    @property
    def minified(self) -> str:
        # AWS counts whitespace toward the size limit, so documents are stored minified.
        return json.dumps(self.content, separators=(",", ":"), sort_keys=False)


def load_policy_document(value: Any, info: ValidationInfo) -> PolicyDocument:
    if not isinstance(value, str):
        raise ValueError("give the path of a JSON file, like policies/deny-leave-organization.json")
    base_dir = Path((info.context or {}).get("base_dir", "."))
    file = base_dir / value
    # A repository's spec reads its own files: a path that leaves the spec's folder (../, an
    # absolute path, a symlink pointing out) would let a pull request publish any file of the
    # machine that runs the checks, in a policy and its template.
    if not file.resolve().is_relative_to(base_dir.resolve()):
        raise ValueError(f"policy file '{value}' is outside the spec's folder ({base_dir.resolve()}); keep policies beside org.yaml")
    if not file.is_file():
        raise ValueError(f"policy file '{value}' not found (looked in {file.parent.resolve()})")
    try:
        content = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"'{value}' is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except UnicodeDecodeError:
        raise ValueError(f"'{value}' is not UTF-8 text") from None
    except OSError as error:
        raise ValueError(f"cannot read '{value}': {error.strerror}") from None
    if not isinstance(content, dict):
        raise ValueError(f"'{value}' must hold a JSON object, not {type(content).__name__}")
    return PolicyDocument(path=value, content=content, file=str(file), lines=_json_lines(file))


def _json_lines(file: Path) -> dict[tuple[str | int, ...], int]:
    """The line of every element: JSON is YAML, whose parser keeps positions (json does not)."""
    try:
        return parse_yaml(file.read_text(encoding="utf-8"), str(file)).lines
    except SpecError:
        return {}


DocumentFile = Annotated[
    PolicyDocument,
    BeforeValidator(load_policy_document),
    WithJsonSchema({"type": "string", "description": "Path of the policy JSON file, relative to org.yaml"}),
]
