"""Pydantic's errors on org.yaml in the words of the person who wrote it: what belongs at the place,
what was written instead and how to write it, never pydantic's wording, Python's reprs of empty
values or a regular expression. YAML's own readings are named where they are the cause (an account
ID that YAML read as a number, `yes` read as true), with the text as written, which the file keeps.
"""

import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from orgboot.aws import identity_center, quotas
from orgboot.spec.guardrails import USE_MODELS
from orgboot.spec.model import OrgSpec
from orgboot.spec.problems import Loc, Problem
from orgboot.suggest import did_you_mean


@dataclass(frozen=True)
class PatternRule:
    words: str  # what the pattern allows, as a sentence fragment after "must be"
    fix: Callable[[str], str] | None = None  # a conforming value the written one most likely meant


def _lower_hyphens(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def _hyphens(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-_")


def _iam_name(value: str) -> str:
    return re.sub(r"[^\w+=,.@-]+", "-", value).strip("-")


def _iam_path(value: str) -> str:
    names = [re.sub(r"[^A-Za-z0-9.,+@=_-]+", "-", name).strip("-") for name in value.split("/")]
    return "/" + "".join(f"{name}/" for name in names if name)


_IAM_CHARACTERS = "letters, digits and the characters + = , . @ _ - (no spaces)"

# Every pattern the model checks, in words (tests/spec/test_messages.py holds the model to this).
PATTERN_RULES: dict[str, PatternRule] = {
    r"^[a-z0-9][a-z0-9-]*$": PatternRule("lowercase letters, digits and hyphens, starting with a letter or digit", _lower_hyphens),
    r"^[A-Za-z0-9][A-Za-z0-9_-]*$": PatternRule("letters, digits, hyphens and underscores, starting with a letter or digit", _hyphens),
    quotas.ROLE_NAME_PATTERN: PatternRule(f"1-64 {_IAM_CHARACTERS}", _iam_name),
    quotas.IAM_NAME_PATTERN: PatternRule(_IAM_CHARACTERS, _iam_name),
    quotas.ACCOUNT_ID_PATTERN: PatternRule("12 digits, quoted, like '123456789012'"),
    r"^[a-z]{2}(-[a-z]+)+-\d$": PatternRule("an AWS Region code, like eu-west-1"),
    identity_center.PERMISSION_SET_NAME_PATTERN: PatternRule(_IAM_CHARACTERS, _iam_name),  # customer managed policy names too
    identity_center.IAM_POLICY_PATH_PATTERN: PatternRule(
        "'/' or a path of names (letters, digits and . , + @ = _ -) that starts and ends with '/'", _iam_path
    ),
    identity_center.DESCRIPTION_PATTERN: PatternRule("text of Latin-1 characters (no emoji or other scripts), tabs and line breaks"),
}


def pattern_rule(pattern: str) -> str | None:
    rule = PATTERN_RULES.get(pattern)
    return rule.words if rule else None


@dataclass(frozen=True)
class Place:
    """What the model expects at a place in org.yaml."""

    annotation: Any  # without Annotated's metadata and Optional
    field: FieldInfo | None  # the model field there, when the place is one (not a list item or a mapping's value)
    key: bool = False  # the place is a mapping's key, not its value

    @property
    def model(self) -> type[BaseModel] | None:
        return self.annotation if isinstance(self.annotation, type) and issubclass(self.annotation, BaseModel) else None

    @property
    def description(self) -> str:
        return (self.field.description or "") if self.field else ""

    @property
    def optional(self) -> bool:
        return self.field is not None and not self.field.is_required()

    def what(self) -> str:
        """What belongs here, as a noun phrase."""
        origin = typing.get_origin(self.annotation)
        if self.model is not None:
            return "an entry"
        if origin is dict:
            return "a mapping"
        if origin in (tuple, list, set, frozenset):
            return "a list"
        if origin is typing.Literal:
            return "one of " + ", ".join(str(v) for v in typing.get_args(self.annotation))
        if self.annotation is None:
            return "a value"
        return {int: "a whole number", bool: "true or false", float: "a number"}.get(self.annotation, "text")


def guardrail_of(raw_loc: Loc) -> str | None:
    """The guardrail whose model validates an entry of `guardrails`: pydantic's loc names it after
    the entry's key; where the entry is no mapping, the key names it."""
    if raw_loc[:1] != ("guardrails",) or len(raw_loc) < 2:
        return None
    return str(raw_loc[2]) if len(raw_loc) > 2 else str(raw_loc[1])


def place_of(loc: Loc, guardrail: str | None = None, key: bool = False) -> Place:
    """The place `loc` (a path in the file) names in the model: the value there, or with `key`
    the mapping key there."""
    annotation: Any = OrgSpec
    field: FieldInfo | None = None
    for part in loc:
        annotation = _resolved(unwrap(annotation), guardrail)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return Place(None, None)
            annotation = field.annotation
        elif typing.get_origin(annotation) is dict:
            annotation, field = typing.get_args(annotation)[1], None
        elif typing.get_origin(annotation) in (tuple, list):
            annotation, field = typing.get_args(annotation)[0], None
        else:
            return Place(None, None)
    if key:
        return Place(str, None, key=True)
    return Place(_resolved(unwrap(annotation), guardrail), field)


def _resolved(annotation: Any, guardrail: str | None) -> Any:
    """A guardrail entry's union of models, as the one its guardrail chose."""
    if typing.get_origin(annotation) in (typing.Union, type(int | str)) and guardrail in USE_MODELS:
        return USE_MODELS[guardrail]
    return annotation


def known_keys(loc: Loc, guardrail: str | None = None) -> set[str] | None:
    """The keys the model accepts at `loc`, for a did-you-mean on an unknown key."""
    model = place_of(loc, guardrail).model
    return set(model.model_fields) if model else None


def unwrap(annotation: Any) -> Any:
    """Annotated[X, ...] and X | None, down to X."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
        if type(None) in typing.get_args(annotation) and len(arguments) == 1:
            annotation = arguments[0]
            continue
        return annotation


# Errors saying the value is of the wrong kind: for an empty value (null), "empty" says it better.
_SHAPES = frozenset(
    {"string_type", "int_type", "bool_type", "float_type", "dict_type", "tuple_type", "list_type", "model_type"}
    | {"model_attributes_type", "literal_error", "enum", "int_parsing", "bool_parsing", "float_parsing", "union_tag_invalid"}
)


def schema_problem(loc: Loc, error: dict[str, Any], written: str | None) -> Problem:
    """One of pydantic's errors at `loc` as the user's problem. `written` is the value's text as
    the file has it, when YAML read it as something other than text (a number, true, null)."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    raw_loc = tuple(error["loc"])
    place = place_of(loc, guardrail_of(raw_loc), key=raw_loc[-1:] == ("[key]",))
    if (value is None and kind in _SHAPES) or (value == "" and kind == "string_too_short"):
        return Problem(loc, _empty(loc, place))
    if kind == "union_tag_invalid" and loc[:1] == ("guardrails",):
        tag = str(ctx.get("tag"))
        named = " (an entry's key names its guardrail unless it says `guardrail:`)" if tag == loc[-1] else ""
        return Problem(
            loc, f"'{tag}' is not a guardrail of orgboot's library{did_you_mean(tag, USE_MODELS)}{named}; it has: {', '.join(USE_MODELS)}"
        )
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = known_keys(loc[:-1], guardrail_of(raw_loc))
        if known is None:
            return Problem(loc, f"unknown key '{key}'")
        return Problem(loc, f"unknown key '{key}'{did_you_mean(key, known)}; expected one of: {', '.join(sorted(known))}")
    if kind == "missing":
        return Problem(loc, "required key is missing")
    if kind in ("model_type", "model_attributes_type"):  # a value where an entry of keys belongs
        keys = f" ({', '.join(sorted(place.model.model_fields))})" if place.model else ""
        return Problem(loc, f"{_shown(value, written)} is not an entry: write a mapping of its keys{keys}, like `{loc[-1]}: {{...}}`")
    if kind == "value_error":
        return Problem(loc, str(ctx.get("error", error["msg"])))
    return Problem(loc, _wrong_value(kind, ctx, value, written, place))


def _wrong_value(kind: str, ctx: dict[str, Any], value: Any, written: str | None, place: Place) -> str:
    shown = _shown(value, written)
    if isinstance(value, bool | int | float) and kind == "string_type":
        return _read_as_scalar(value, written, place)
    if isinstance(value, list | tuple) and kind in ("string_type", "int_type", "bool_type", "float_type", "literal_error"):
        one = f": write {_flow(value[0])}" if len(value) == 1 and not isinstance(value[0], dict | list) else ""
        return f"one value belongs here, not a list{one}"
    if isinstance(value, dict) and kind in ("string_type", "int_type", "bool_type", "float_type", "literal_error", "tuple_type"):
        return f"{place.what()} belongs here, not a mapping{_described(place)}"
    if kind in ("tuple_type", "list_type"):
        return f"a list belongs here, not one value: write [{_flow(value, written)}]"
    if kind == "dict_type":
        got = "a list" if isinstance(value, list | tuple) else "one value"
        if _holds_entries(place):
            name = value[0] if isinstance(value, list | tuple) and value and isinstance(value[0], str) else "name"
            return f"entries by key belong here, not {got}: write `{name}: {{...}}` for each{_described(place)}"
        return f"a mapping belongs here, not {got}{_described(place)}, like {{key: value}}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{shown} is not a whole number"
    if kind in ("bool_parsing", "bool_type"):
        return f"{shown} is not true or false"
    if kind in ("float_parsing", "float_type"):
        return f"{shown} is not a number"
    if kind == "greater_than_equal":
        return f"{shown} is too small: the least allowed is {ctx.get('ge')}"
    if kind == "greater_than":
        return f"{shown} is too small: it must be more than {ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"{shown} is too large: the most allowed is {ctx.get('le')}"
    if kind == "less_than":
        return f"{shown} is too large: it must be less than {ctx.get('lt')}"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{shown} is not allowed{did_you_mean(str(value), allowed)}; expected one of {ctx.get('expected')}"
    if kind == "string_too_long":
        return f"{len(str(value))} characters; AWS allows at most {ctx.get('max_length')}"
    if kind == "string_too_short":
        return f"{shown} is too short: at least {ctx.get('min_length')} characters"
    if kind == "too_short":
        return f"an empty list; at least {ctx.get('min_length')} belongs here{_described(place)}"
    if kind == "too_long":
        return f"{ctx.get('actual_length')} items; at most {ctx.get('max_length')} are allowed"
    if kind == "string_pattern_mismatch":
        return _pattern_mismatch(str(value), str(ctx.get("pattern")), place)
    return f"{shown} is not valid here; {place.what()} belongs here{_described(place)}"


def _empty(loc: Loc, place: Place) -> str:
    """An empty value (`key:` with nothing after it, which YAML reads as null)."""
    model = place.model
    if model is not None:
        fields = model.model_fields
        required = [name for name, info in fields.items() if info.is_required() and name != "guardrail"]
        optional = sorted(name for name, info in fields.items() if not info.is_required() and name != "guardrail")
        keys = ", ".join(required) if required else ", ".join(optional)
        more = f" (and optionally {', '.join(optional)})" if required and optional else ""
        like = ", ".join(f"{name}: ..." for name in required) or "..."
        return f"empty; an entry belongs here, with its keys {keys}{more}, like `{loc[-1]}: {{{like}}}`"
    example = {"a list": ", like [...]", "a mapping": "; write {} for none"}.get(place.what(), "")
    leave_out = (", or" if example.startswith(";") else "; or") + " leave the key out" if place.optional else ""
    return f"empty; {place.what()} belongs here{_described(place)}{example}{leave_out}"


def _read_as_scalar(value: bool | int | float, written: str | None, place: Place) -> str:
    """Text was meant, but YAML read what is written as a number or true/false: quoting it is the fix."""
    text = written if written is not None else str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(value, bool):
        reading = "true" if value else "false"
    elif isinstance(value, int) and text.isdigit() and int(text, 10) != value:
        reading = f"the octal number {value}"  # YAML 1.1: a leading 0 makes an integer octal
    else:
        reading = "a number"
    what = "a key" if place.key else "an account ID" if re.fullmatch(r"\d{12}", text) else ""
    belongs = f"{what} is text" if what else "text belongs here"
    return f"YAML reads {text} as {reading}; {belongs}: write it quoted, '{text}'"


def _pattern_mismatch(value: str, pattern: str, place: Place) -> str:
    rule = PATTERN_RULES.get(pattern)
    if rule is None:  # a pattern without words yet: the field's description says what it takes
        return f"{value!r} is not in the form this takes{_described(place)}"
    fixed = rule.fix(value) if rule.fix else None
    like = f", like '{fixed}'" if fixed and fixed != value and re.fullmatch(pattern, fixed) else ""
    return f"{value!r} must be {rule.words}{like}"


def _holds_entries(place: Place) -> bool:
    """Whether the mapping at `place` holds entries by key (accounts, guardrails), not values."""
    if typing.get_origin(place.annotation) is not dict:
        return False
    value = unwrap(typing.get_args(place.annotation)[1])
    kinds = typing.get_args(value) if typing.get_origin(value) in (typing.Union, type(int | str)) else (value,)
    return all(isinstance(kind, type) and issubclass(kind, BaseModel) for kind in kinds)


def _described(place: Place) -> str:
    return f" ({place.description})" if place.description else ""


def _shown(value: Any, written: str | None = None) -> str:
    """A value as the user wrote it, for a message."""
    if written is not None:
        return written
    if isinstance(value, str):
        return repr(value)
    return _flow(value)


def _flow(value: Any, written: str | None = None) -> str:
    """A value in YAML's flow style, as it could be written back."""
    if written is not None:
        return written
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return "" if value is None else str(value)
