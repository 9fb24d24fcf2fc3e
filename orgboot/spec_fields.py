"""Building blocks of the org.yaml model shared by its sections: the base model, field checks with
messages that say what AWS accepts, and reference checks against what the file declares."""

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
)

from orgboot import aws_managed_policies, limits

ROOT = "Root"

PolicyType = Literal[
    "SERVICE_CONTROL_POLICY",
    "RESOURCE_CONTROL_POLICY",
    "TAG_POLICY",
    "BACKUP_POLICY",
    "AISERVICES_OPT_OUT_POLICY",
]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def check_ou_path(path: str) -> str:
    names = path.split("/")
    if path == ROOT:
        raise ValueError(f"'{ROOT}' is the organization root, not an OU: it exists already")
    for name in names:
        if not name or name != name.strip():
            raise ValueError(
                f"'{path}' is not an OU path: write names separated by '/', like 'Workloads/Prod',"
                " without empty names or surrounding spaces"
            )
        if len(name) > limits.OU_NAME_MAX:
            raise ValueError(f"OU name '{name[:20]}...' is longer than {limits.OU_NAME_MAX} characters")
    if len(names) > limits.MAX_OU_DEPTH:
        raise ValueError(
            f"'{path}' is nested {len(names)} levels deep; AWS allows at most"
            f" {limits.MAX_OU_DEPTH} levels of OUs under the root"
        )
    return path


OuPath = Annotated[str, AfterValidator(check_ou_path)]


def check_email(email: str) -> str:
    if not re.match(limits.EMAIL_PATTERN, email):
        raise ValueError(f"'{email}' is not an email address (expected name@domain.tld)")
    if not (limits.EMAIL_MIN <= len(email) <= limits.EMAIL_MAX):
        raise ValueError(
            f"'{email}' is {len(email)} characters; AWS accepts"
            f" {limits.EMAIL_MIN}-{limits.EMAIL_MAX}"
        )
    return email


def check_account_name(name: str) -> str:
    if not re.match(limits.ACCOUNT_NAME_PATTERN, name):
        raise ValueError(
            f"account name {name!r} must be 1-50 printable ASCII characters"
            f" (it has {len(name)}{', some not printable ASCII' if not name.isascii() else ''})"
        )
    return name


def check_tags(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > limits.TAGS_PER_RESOURCE:
        raise ValueError(f"{len(tags)} tags; AWS allows at most {limits.TAGS_PER_RESOURCE}")
    for key, value in tags.items():
        if not 1 <= len(key) <= limits.TAG_KEY_MAX or key.lower().startswith("aws:"):
            raise ValueError(f"tag key {key!r} must be 1-{limits.TAG_KEY_MAX} characters, not starting with 'aws:'")
        if len(value) > limits.TAG_VALUE_MAX:
            raise ValueError(f"tag {key!r}: value longer than {limits.TAG_VALUE_MAX} characters")
    return tags


Tags = Annotated[dict[str, str], AfterValidator(check_tags)]


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
    if not isinstance(content, dict):
        raise ValueError(f"'{value}' must hold a JSON object, not {type(content).__name__}")
    return PolicyDocument(path=value, content=content)


DocumentFile = Annotated[
    PolicyDocument,
    BeforeValidator(load_policy_document),
    WithJsonSchema({"type": "string", "description": "Path of the policy JSON file, relative to org.yaml"}),
]


def declared(info: ValidationInfo, kind: str) -> frozenset[str] | None:
    """Names declared elsewhere in the same org.yaml (see loader.declared_names), so references
    are checked field by field, all in one pass. None when validating without a whole file."""
    return (info.context or {}).get(kind)


def closest(name: str, candidates: frozenset[str]) -> str:
    match = difflib.get_close_matches(name, sorted(candidates), n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""


def check_ou_reference(ou: str, info: ValidationInfo) -> str:
    ous = declared(info, "ou_paths")
    if ous is not None and ou != ROOT and ou not in ous:
        raise ValueError(
            f"OU '{ou}' is not declared{closest(ou, ous | {ROOT})}; add it to organizational_units or use {ROOT}"
        )
    return ou


def check_target(target: str, info: ValidationInfo) -> str:
    ous, accounts = declared(info, "ou_paths"), declared(info, "account_keys")
    if ous is None or accounts is None or target == ROOT:
        return target
    if target in ous and target in accounts:
        raise ValueError(f"'{target}' is both an OU path and an account key; rename one of them")
    if target not in ous | accounts:
        hint = closest(target, ous | accounts | {ROOT})
        raise ValueError(f"target '{target}' is neither {ROOT}, a declared OU path nor an account key{hint}")
    return target


def check_listed_once(items: tuple[str, ...]) -> tuple[str, ...]:
    for item in items:
        if items.count(item) > 1:
            raise ValueError(f"'{item}' is listed {items.count(item)} times; list it once")
    return items


def check_type_enabled(policy_type: str, info: ValidationInfo) -> str:
    enabled = declared(info, "policy_types")
    if enabled is not None and policy_type not in enabled:
        raise ValueError(f"policy type {policy_type} is not enabled; add it to organization.policy_types")
    return policy_type


def in_range(low: int, high: int, what: str):
    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"{what} {value} is outside AWS's range {low}-{high}")
        return value

    return AfterValidator(check)


IamName = Annotated[str, StringConstraints(pattern=limits.IAM_NAME_PATTERN, max_length=64)]


def check_managed_policy(name: str) -> str:
    if name.startswith("arn:"):
        return name  # an ARN is taken as given: customer managed, or newer than our catalogue
    if not aws_managed_policies.exists(name):
        raise ValueError(
            f"'{name}' is not an AWS managed policy{aws_managed_policies.closest(name)}; give its name"
            " (AdministratorAccess, job-function/Billing) or a full ARN"
        )
    return name


ManagedPolicyRef = Annotated[str, AfterValidator(check_managed_policy)]
