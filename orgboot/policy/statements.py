"""Policy documents as statements: each element normalized to what the evaluator and the lint
need, whatever shape the JSON had (a string or a list, one statement or several).

Source for the shapes: IAM User Guide, "IAM JSON policy element reference" and "Grammar of the
IAM JSON policy language" (docs/sources/policy-evaluation.md, facts 53-72).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

PolicyKind = Literal["identity", "boundary", "resource", "scp", "rcp"]


@dataclass(frozen=True)
class PolicyRef:
    """Which policy a statement comes from, for people: its name, its kind, where it is attached."""

    name: str
    kind: PolicyKind
    attached_at: str = ""


@dataclass(frozen=True)
class Principals:
    """A Principal (or NotPrincipal) element: "*" or values by type (AWS, Service, Federated)."""

    everyone: bool
    by_type: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Statement:
    policy: PolicyRef
    index: int  # position in the document's Statement list
    sid: str | None
    effect: str  # "Allow" or "Deny" (anything else never applies)
    actions: tuple[str, ...] | None  # None when the statement uses NotAction
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    principals: Principals | None
    not_principals: Principals | None
    condition: Mapping[str, Mapping[str, Any]]
    variables: bool  # policy variables are resolved only in Version 2012-10-17 documents (fact 96)

    @property
    def label(self) -> str:
        where = f" attached to {self.policy.attached_at}" if self.policy.attached_at else ""
        name = f"statement {self.sid!r}" if self.sid else f"statement {self.index + 1}"
        return f"{self.policy.name}{where}: {name}"


@dataclass(frozen=True)
class Policy:
    ref: PolicyRef
    statements: tuple[Statement, ...]


def as_tuple(value: Any) -> tuple[Any, ...] | None:
    if value is None:
        return None
    return tuple(value) if isinstance(value, list) else (value,)


def _action_patterns(value: Any) -> tuple[str, ...] | None:
    """An Action or NotAction element's patterns; what is not a string matches nothing (the lint
    reports it), and the tuple stays hashable, so matching can be cached."""
    items = as_tuple(value)
    return None if items is None else tuple(item for item in items if isinstance(item, str))


def _principals(value: Any) -> Principals | None:
    if value is None:
        return None
    if value == "*":
        return Principals(True, {})
    if isinstance(value, Mapping):
        by_type = {str(kind): tuple(str(v) for v in (as_tuple(values) or ())) for kind, values in value.items()}
        return Principals(by_type.get("AWS") == ("*",), by_type)
    return Principals(False, {})


def parse(document: Mapping[str, Any], ref: PolicyRef) -> Policy:
    """The statements of `document`. Malformed parts are kept as they are for the lint to report;
    the evaluator treats what it cannot read as not applying."""
    statements = document.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else statements if isinstance(statements, list) else []
    variables = document.get("Version") == "2012-10-17"
    parsed = []
    for index, statement in enumerate(statements):
        if not isinstance(statement, Mapping):
            continue
        condition = statement.get("Condition", {})
        parsed.append(
            Statement(
                policy=ref,
                index=index,
                sid=statement.get("Sid"),
                effect=statement.get("Effect", ""),
                actions=_action_patterns(statement.get("Action")),
                not_actions=_action_patterns(statement.get("NotAction")),
                resources=as_tuple(statement.get("Resource")),
                not_resources=as_tuple(statement.get("NotResource")),
                principals=_principals(statement.get("Principal")),
                not_principals=_principals(statement.get("NotPrincipal")),
                condition=condition if isinstance(condition, Mapping) else {},
                variables=variables,
            )
        )
    return Policy(ref, tuple(parsed))
