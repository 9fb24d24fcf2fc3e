"""Policy documents org.yaml points at: JSON files, relative to org.yaml, read while validating."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo, WithJsonSchema


@dataclass(frozen=True)
class PolicyDocument:
    """A policy file as written (path relative to org.yaml) and its parsed JSON."""

    path: str
    content: dict[str, Any]

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
    return PolicyDocument(path=value, content=content)


DocumentFile = Annotated[
    PolicyDocument,
    BeforeValidator(load_policy_document),
    WithJsonSchema({"type": "string", "description": "Path of the policy JSON file, relative to org.yaml"}),
]
