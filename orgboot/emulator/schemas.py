"""CloudFormation's rules for a resource, read from its resource provider schema, as cfn-lint
ships them (the registry schemas AWS publishes per region, CloudFormation CLI "Resource type
schema"): which properties are create-only (a change replaces the resource), which property values
the provider accepts (patterns, enums, lengths, ranges, required keys). What a schema cannot say
stays in the handlers."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from cfnlint.jsonschema import StandardValidator
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
from cfnlint.schema.manager import ResourceNotFoundError

from orgboot.aws.regions import HOME_REGION

# The keywords CloudFormation enforces on a property value before the provider runs
# ("Properties validation failed for resource X with message: #/Name: failed validation constraint
# for keyword [pattern]"). Not enforced (yet): oneOf, anyOf and cfn-lint's requiredXor and
# dependentExcluded, whose errors would need the alternatives judged together.
_ENFORCED = {
    "pattern",
    "enum",
    "const",
    "type",
    "required",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "additionalProperties",
}


@cache
def _schema(resource_type: str) -> dict[str, Any] | None:
    """The type's provider schema; None for types without one (custom resources, CDK metadata).
    cfn-lint has a schema for "Custom::" types too, but that one is a linter's guess: CloudFormation
    passes a custom resource's properties as they are (to the provider function, all values as strings)."""
    if not resource_type.startswith("AWS::"):
        return None
    try:
        schema: dict[str, Any] = PROVIDER_SCHEMA_MANAGER.get_resource_schema(HOME_REGION, resource_type).schema
    except ResourceNotFoundError:
        return None
    return schema


@cache
def _validator(resource_type: str) -> tuple[StandardValidator, tuple[str, ...]] | None:
    """The schema's validator and its create-only property paths."""
    schema = _schema(resource_type)
    if schema is None:
        return None
    return StandardValidator(schema=schema), tuple(schema.get("createOnlyProperties", ()))


def violations(resource_type: str, properties: Mapping[str, Any]) -> list[str]:
    """What CloudFormation says of property values that break the resource's schema."""
    entry = _validator(resource_type)
    if entry is None:
        return []
    found = []
    for error in entry[0].iter_errors(dict(properties)):
        if error.validator not in _ENFORCED or (error.validator == "type" and _converts(error.instance, error.validator_value)):
            continue
        path = "/".join(str(p) for p in error.path)
        found.append(f"#/{path}: failed validation constraint for keyword [{error.validator}] ({error.message})")
    return sorted(set(found))


def _converts(value: Any, wanted: Any) -> bool:
    """CloudFormation passes template values as strings and converts them to the schema's type:
    "100" is a valid integer, "true" a valid boolean, and 5 a valid string."""
    types = wanted if isinstance(wanted, list) else [wanted]
    if isinstance(value, bool | int | float):
        return "string" in types
    if not isinstance(value, str):
        return False
    for kind in types:
        if kind == "boolean" and value.lower() in ("true", "false"):
            return True
        if kind in ("number", "integer"):
            try:
                number = float(value)
            except ValueError:
                continue
            if math.isfinite(number) and (kind == "number" or number.is_integer()):
                return True
    return False


def changed_create_only(resource_type: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The create-only properties (as /properties/... paths) whose value differs: CloudFormation
    replaces the resource for these ("Update requires: Replacement")."""
    entry = _validator(resource_type)
    if entry is None:
        return []
    return [path for path in entry[1] if _at(old, path) != _at(new, path)]


def kept_names(resource_type: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Custom names a replacement would keep: the resource's own create-only name property
    (RoleName of a role, BudgetName of a budget; not FunctionName of a Lambda permission, which
    names another resource) set to the same value before and after. CloudFormation creates the
    replacement before deleting the old resource, so a kept name collides; it refuses such an
    update ("CloudFormation cannot update a stack when a custom-named resource requires replacing";
    CloudFormation User Guide, "Name type": "If you specify a name, you can't perform updates that
    require replacement of this resource")."""
    entry = _validator(resource_type)
    if entry is None:
        return []
    own_name = resource_type.rsplit("::", 1)[-1] + "Name"
    return [
        str(_at(new, path))
        for path in entry[1]
        if path.rsplit("/", 1)[-1] == own_name and _at(new, path) is not None and _at(old, path) == _at(new, path)
    ]


def _at(properties: Mapping[str, Any], path: str) -> Any:
    """The value at a schema path such as /properties/Budget/BudgetName (None when absent)."""
    value: Any = properties
    for part in path.removeprefix("/properties/").split("/"):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


@dataclass(frozen=True)
class ImportFacts:
    """What resource import reads of a type's schema, as top-level property names: the properties
    that identify a resource (primaryIdentifier), the ones AWS sets (readOnlyProperties) and the
    ones it never gives back (writeOnlyProperties); and, to compare a template with the resource
    read, the arrays whose order means nothing (insertionOrder false), the JSON documents (typed
    object or string: CloudFormation takes either) and the defaults of properties left out."""

    identifier: tuple[str, ...]
    read_only: frozenset[str]
    write_only: frozenset[str]
    unordered: frozenset[str]
    json: frozenset[str]
    defaults: Mapping[str, Any]


@cache
def import_facts(resource_type: str) -> ImportFacts | None:
    """The type's import facts, or None when CloudFormation cannot import it: no provider schema
    (custom resources, CDK metadata) or no read handler, which import calls to find the resource
    (CloudFormation User Guide, "Resource type support": import works for the types whose provider
    Cloud Control API serves)."""
    schema = _schema(resource_type)
    if schema is None or "read" not in schema.get("handlers", {}):
        return None

    def names(key: str) -> frozenset[str]:  # whole properties only: a nested path names part of one
        return frozenset(name for path in schema.get(key, ()) if "/" not in (name := path.removeprefix("/properties/")))

    properties: dict[str, Any] = schema.get("properties", {})
    return ImportFacts(
        identifier=tuple(path.removeprefix("/properties/") for path in schema.get("primaryIdentifier", ())),
        read_only=names("readOnlyProperties"),
        write_only=names("writeOnlyProperties"),
        unordered=frozenset(name for name, p in properties.items() if p.get("type") == "array" and p.get("insertionOrder") is False),
        json=frozenset(
            name for name, p in properties.items() if isinstance(p.get("type"), list) and {"object", "string"} <= set(p["type"])
        ),
        defaults={name: p["default"] for name, p in properties.items() if "default" in p},
    )


def handler_permissions(resource_type: str, operation: str) -> tuple[str, ...]:
    """The IAM actions the type's provider makes as the caller to create, update or delete a
    resource (the schema's handlers.<operation>.permissions: "the permissions required for the
    handler to perform", CloudFormation CLI "Resource type schema"); none for a type without a
    schema."""
    schema = _schema(resource_type)
    if schema is None:
        return ()
    return tuple(schema.get("handlers", {}).get(operation, {}).get("permissions", ()))
