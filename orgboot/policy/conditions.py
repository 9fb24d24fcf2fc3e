"""The Condition element: every operator family, ...IfExists, ForAllValues/ForAnyValue, and the
rules for missing keys and multiple values.

Sources (IAM User Guide; docs/sources/policy-evaluation.md, facts 73-95):
- a key missing from the request makes a condition false, except negated operators, which are
  then true; ...IfExists is true when the key is missing; Null tests presence (fact 73, 83, 84);
- key names are case-insensitive (fact 74);
- several operators AND, several keys AND, several values OR, several values of a negated
  operator NOR (fact 86);
- ForAllValues is true when the key is missing or empty; ForAnyValue false (facts 89-91);
- string operators and ARN operators take policy variables, the others do not (fact 100);
- a plain operator on a multivalued request key: undocumented (fact 142); taken as "any value".
"""

import base64
import binascii
import ipaddress
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from orgboot.policy.matching import LITERAL_QUESTION, LITERAL_STAR, arn_like, glob_regex
from orgboot.policy.variables import Unresolved, segments

Context = Mapping[str, str | Sequence[str]]
Match = Callable[[str, str], bool]  # (request value, policy value) -> match


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _date(text: str) -> datetime | None:
    """W3C ISO 8601 profiles or epoch seconds (fact 77)."""
    number = _number(text)
    if number is not None:
        try:
            return datetime.fromtimestamp(number, UTC)
        except (OverflowError, OSError, ValueError):
            return None  # no date (milliseconds, nan, far beyond year 9999)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _compare(parse: Callable[[str], Any], test: Callable[[Any, Any], bool]) -> Match:
    def match(value: str, policy: str) -> bool:
        left, right = parse(value), parse(policy)
        return left is not None and right is not None and test(left, right)

    return match


def _ip(value: str, policy: str) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(policy, strict=False)
    except ValueError:
        return False


def _binary(value: str, policy: str) -> bool:
    try:
        return base64.b64decode(value, validate=True) == base64.b64decode(policy, validate=True)
    except (binascii.Error, ValueError):
        return value == policy


@lru_cache(maxsize=65_536)
def _like_pattern(policy: str) -> re.Pattern[str]:
    return re.compile(glob_regex([(policy, False)], within_segment=False), re.DOTALL)


def _like_case_sensitive(value: str, policy: str) -> bool:
    return _like_pattern(policy).fullmatch(value) is not None


def malformed_value(base: str, value: Any) -> str | None:
    """Why a Condition value can never match under the operator `base` (without its prefix or
    IfExists), parsed as the evaluator parses it; None when it can. Under a negated operator such
    a value makes the condition hold always, which in a Deny denies everything."""
    text = "true" if value is True else "false" if value is False else str(value)
    _, negated, takes_variables = OPERATORS.get(base, (None, False, False))  # Null is not in OPERATORS
    if "${" in text and takes_variables:
        return None  # a policy variable, known only at request time
    if base.startswith("Numeric"):
        number = _number(text)
        valid, expected = number is not None and math.isfinite(number), "numbers"
    elif base.startswith("Date"):
        valid, expected = _date(text) is not None, "dates (ISO 8601, or seconds since 1970)"
    elif base in ("Bool", "Null"):
        valid, expected = text.lower() in ("true", "false"), '"true" or "false"'
    elif base in ("IpAddress", "NotIpAddress"):
        valid, expected = _ip_network(text) is not None, "IP addresses or CIDR ranges"
    elif base == "BinaryEquals":
        valid, expected = _base64(text), "base64 text"
    else:
        return None
    if valid:
        return None
    if negated:  # a negated operator holds where its value matches nothing
        return f"{base} takes {expected}, so {json.dumps(value)} matches nothing and the condition holds for every request"
    return f"{base} takes {expected}, so {json.dumps(value)} never matches"


def _ip_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


# Operator (without IfExists or a set prefix) -> (match of one value, negated, takes variables)
OPERATORS: dict[str, tuple[Match, bool, bool]] = {
    "StringEquals": (lambda v, p: v == p, False, True),
    "StringNotEquals": (lambda v, p: v == p, True, True),
    "StringEqualsIgnoreCase": (lambda v, p: v.lower() == p.lower(), False, True),
    "StringNotEqualsIgnoreCase": (lambda v, p: v.lower() == p.lower(), True, True),
    "StringLike": (_like_case_sensitive, False, True),
    "StringNotLike": (_like_case_sensitive, True, True),
    "NumericEquals": (_compare(_number, lambda a, b: a == b), False, False),
    "NumericNotEquals": (_compare(_number, lambda a, b: a == b), True, False),
    "NumericLessThan": (_compare(_number, lambda a, b: a < b), False, False),
    "NumericLessThanEquals": (_compare(_number, lambda a, b: a <= b), False, False),
    "NumericGreaterThan": (_compare(_number, lambda a, b: a > b), False, False),
    "NumericGreaterThanEquals": (_compare(_number, lambda a, b: a >= b), False, False),
    "DateEquals": (_compare(_date, lambda a, b: a == b), False, False),
    "DateNotEquals": (_compare(_date, lambda a, b: a == b), True, False),
    "DateLessThan": (_compare(_date, lambda a, b: a < b), False, False),
    "DateLessThanEquals": (_compare(_date, lambda a, b: a <= b), False, False),
    "DateGreaterThan": (_compare(_date, lambda a, b: a > b), False, False),
    "DateGreaterThanEquals": (_compare(_date, lambda a, b: a >= b), False, False),
    "Bool": (lambda v, p: v.lower() == p.lower(), False, True),  # the docs conflict on variables (fact 139): accepted
    "BinaryEquals": (_binary, False, False),
    "IpAddress": (_ip, False, False),
    "NotIpAddress": (_ip, True, False),
    "ArnEquals": (lambda v, p: arn_like(p, v), False, True),
    "ArnLike": (lambda v, p: arn_like(p, v), False, True),
    "ArnNotEquals": (lambda v, p: arn_like(p, v), True, True),
    "ArnNotLike": (lambda v, p: arn_like(p, v), True, True),
}
SET_PREFIXES = ("ForAllValues:", "ForAnyValue:")


@lru_cache(maxsize=4096)
def split_operator(name: str) -> tuple[str | None, str, bool]:
    """ "ForAnyValue:StringLikeIfExists" -> ("ForAnyValue", "StringLike", True)."""
    prefix = next((p[:-1] for p in SET_PREFIXES if name.startswith(p)), None)
    base = name[len(prefix) + 1 :] if prefix else name
    if_exists = base.endswith("IfExists") and base != "IfExists"
    return prefix, base.removesuffix("IfExists") if if_exists else base, if_exists


def is_known_operator(name: str) -> bool:
    prefix, base, if_exists = split_operator(name)
    return base in OPERATORS or (base == "Null" and not if_exists and prefix is None)


def condition_holds(condition: Mapping[str, Mapping[str, Any]], context: Context, variables: bool) -> bool:
    """Whether a statement's whole Condition element holds for the request context."""
    return all(
        isinstance(keys, Mapping)
        and all(_holds(operator, key.lower(), _values(values), context, variables) for key, values in keys.items())
        for operator, keys in condition.items()
    )


def _values(values: Any) -> list[str]:
    items = values if isinstance(values, list) else [values]
    return ["true" if v is True else "false" if v is False else str(v) for v in items]


def _holds(operator: str, key: str, policy_values: list[str], context: Context, variables: bool) -> bool:
    prefix, base, if_exists = split_operator(operator)
    present = context.get(key)
    request_values = [present] if isinstance(present, str) else list(present) if present is not None else []
    request_values = [value for value in request_values if value != ""]  # an empty value is null (fact 85)
    if base == "Null":
        missing = not request_values
        return any(missing == (p.lower() == "true") for p in policy_values)
    if base not in OPERATORS:
        return False  # an unknown operator never holds (the lint reports it)
    match, negated, takes_variables = OPERATORS[base]
    wildcards = base in ("StringLike", "StringNotLike") or base.startswith("Arn")
    resolved = _resolve(policy_values, context, wildcards) if variables and takes_variables else policy_values

    def any_match(value: str) -> bool:
        return any(match(value, policy) for policy in resolved)

    if not request_values and if_exists:
        return True  # ...IfExists holds when the key is missing, with a set operator too (fact 83)
    if prefix == "ForAllValues":
        return all((not any_match(v)) if negated else any_match(v) for v in request_values)
    if prefix == "ForAnyValue":
        return any((not any_match(v)) if negated else any_match(v) for v in request_values)
    if not request_values:
        return negated  # a negated operator holds on a missing key (fact 73); ...IfExists returned above
    matched = any(any_match(v) for v in request_values)
    return not matched if negated else matched


def _resolve(policy_values: list[str], context: Context, wildcards: bool) -> list[str]:
    """Policy values with variables replaced; a value whose variable has no value matches nothing.
    What a variable brings (its value, ${*}, ${?}) is literal text, never a wildcard (fact 102):
    for the wildcard operators it is escaped with LITERAL_STAR and LITERAL_QUESTION."""
    resolved = []
    for value in policy_values:
        if "${" not in value:
            resolved.append(value)
            continue
        try:
            pieces = segments(value, context)
        except Unresolved:
            continue
        resolved.append("".join(_literal(piece) if literal and wildcards else piece for piece, literal in pieces))
    return resolved


def _literal(text: str) -> str:
    return text.replace("*", LITERAL_STAR).replace("?", LITERAL_QUESTION)
